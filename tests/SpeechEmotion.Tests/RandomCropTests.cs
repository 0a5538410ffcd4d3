using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class RandomCropTests
{
    private const int Width = 5,
        Crop = 40;
    private static readonly int[] Lengths = [300, 41, 40, 37, 1];

    private static PaddedBatch RandomBatch()
    {
        var random = new Random(5);
        return PaddedBatch.From(
            Lengths
                .Select(n => Enumerable.Range(0, n * Width).Select(_ => 0.5f + (float)random.NextDouble()).ToArray())
                .ToArray(),
            Width
        );
    }

    private static float[] Frames(PaddedBatch batch, int b, int start, int count) =>
        batch.Features.AsSpan((b * batch.Steps + start) * Width, count * Width).ToArray();

    /// <summary>The start of utterance b's window in the original (the frames are random, so the match is
    /// unique).</summary>
    private static int Start(PaddedBatch original, PaddedBatch cropped, int b) =>
        Enumerable
            .Range(0, original.Lengths[b] - cropped.Lengths[b] + 1)
            .Single(s =>
                Frames(original, b, s, cropped.Lengths[b]).SequenceEqual(Frames(cropped, b, 0, cropped.Lengths[b]))
            );

    [Test]
    public void Each_utterance_keeps_one_window_of_its_own_frames_and_short_ones_stay_whole()
    {
        var original = RandomBatch();
        var starts = new HashSet<int>();
        for (ulong step = 1; step <= 200; step++)
        {
            var cropped = RandomCrop.Apply(original, Crop, 7, step);
            Assert.That(cropped.Lengths, Is.EqualTo(new[] { 40, 40, 40, 37, 1 }));
            Assert.That(cropped.Steps, Is.EqualTo(40), "re-padded to the longest window");
            for (int b = 0; b < Lengths.Length; b++)
            {
                int start = Start(original, cropped, b);
                if (Lengths[b] <= Crop)
                    Assert.That(start, Is.EqualTo(0), $"utterance {b} is not longer than the crop");
                if (b == 0)
                    starts.Add(start);
                Assert.That(
                    cropped
                        .Features.AsSpan((b * 40 + cropped.Lengths[b]) * Width, (40 - cropped.Lengths[b]) * Width)
                        .ToArray(),
                    Has.All.EqualTo(0f),
                    $"utterance {b}: padding is zero"
                );
            }
        }
        Assert.That(starts.Min(), Is.LessThan(20), "windows near the start are drawn");
        Assert.That(starts.Max(), Is.GreaterThan(240), "windows near the end are drawn");
        Assert.That(starts, Has.Count.GreaterThan(100), "200 steps draw many different windows");
        Assert.That(original.Features, Is.EqualTo(RandomBatch().Features), "the input batch is left alone");
    }

    [Test]
    public void Windows_depend_on_seed_and_step_only()
    {
        var batch = RandomBatch();
        Assert.That(
            RandomCrop.Apply(batch, Crop, 7, 3).Features,
            Is.EqualTo(RandomCrop.Apply(batch, Crop, 7, 3).Features)
        );
        Assert.That(
            RandomCrop.Apply(batch, Crop, 7, 3).Features,
            Is.Not.EqualTo(RandomCrop.Apply(batch, Crop, 7, 4).Features)
        );
        Assert.That(
            RandomCrop.Apply(batch, Crop, 7, 3).Features,
            Is.Not.EqualTo(RandomCrop.Apply(batch, Crop, 8, 3).Features)
        );
    }

    [Test]
    public void A_crop_longer_than_every_utterance_changes_nothing_and_zero_frames_is_refused()
    {
        var batch = RandomBatch();
        var same = RandomCrop.Apply(batch, 300, 7, 3);
        Assert.That(same.Features, Is.EqualTo(batch.Features));
        Assert.That(same.Lengths, Is.EqualTo(batch.Lengths));
        Assert.That(() => RandomCrop.Apply(batch, 0, 7, 3), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
