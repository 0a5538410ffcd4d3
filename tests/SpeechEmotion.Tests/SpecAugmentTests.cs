using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class SpecAugmentTests
{
    private const int Width = 400;
    private static readonly int[] Lengths = [300, 37, 1];

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

    private static PaddedBatch Augmented(ulong seed, ulong step)
    {
        var batch = RandomBatch();
        SpecAugment.Apply(batch, seed, step);
        return batch;
    }

    [Test]
    public void Masks_are_whole_bands_and_spans_within_each_utterance_and_leave_the_rest_alone()
    {
        var original = RandomBatch();
        int masked = 0;
        for (ulong step = 1; step <= 20; step++)
        {
            var batch = Augmented(7, step);
            for (int b = 0; b < Lengths.Length; b++)
            {
                int length = Lengths[b],
                    first = b * original.Steps * Width;
                float At(PaddedBatch x, int t, int f) => x.Features[first + t * Width + f];
                var bands = Enumerable
                    .Range(0, Width)
                    .Where(f => Enumerable.Range(0, length).All(t => At(batch, t, f) == 0))
                    .ToHashSet();
                var spans = Enumerable
                    .Range(0, length)
                    .Where(t => Enumerable.Range(0, Width).All(f => At(batch, t, f) == 0))
                    .ToHashSet();
                for (int t = 0; t < original.Steps; t++)
                for (int f = 0; f < Width; f++)
                {
                    float value = At(batch, t, f);
                    if (t >= length)
                        Assert.That(value, Is.EqualTo(0f), "padding stays zero");
                    else if (value != At(original, t, f))
                        Assert.That(
                            value == 0 && (bands.Contains(f) || spans.Contains(t)),
                            $"utterance {b}, frame {t}, bin {f}: changed outside a mask"
                        );
                }
                if (length > 1)
                {
                    Assert.That(
                        bands.Count,
                        Is.LessThanOrEqualTo(SpecAugment.Masks * SpecAugment.MaxBins(batch.Width)),
                        "bins masked"
                    );
                    Assert.That(
                        spans.Count,
                        Is.LessThanOrEqualTo(SpecAugment.Masks * Math.Min(SpecAugment.MaxFrames, (int)(0.2 * length))),
                        "frames masked"
                    );
                }
                masked += bands.Count + spans.Count;
            }
        }
        Assert.That(masked, Is.GreaterThan(0), "twenty steps masked nothing");
    }

    [Test]
    public void Masks_depend_on_seed_and_step_only()
    {
        Assert.That(Augmented(7, 3).Features, Is.EqualTo(Augmented(7, 3).Features));
        Assert.That(Augmented(7, 3).Features, Is.Not.EqualTo(Augmented(7, 4).Features));
        Assert.That(Augmented(7, 3).Features, Is.Not.EqualTo(Augmented(8, 3).Features));
    }
}
