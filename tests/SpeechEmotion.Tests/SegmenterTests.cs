using SpeechEmotion.Audio;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The energy voice-activity detector and the segment/stream APIs built on it.</summary>
public class SegmenterTests
{
    private const int Rate = 16000;

    /// <summary>Noise at −70 dBFS with tone bursts (−15 dBFS) at the given [start, end) seconds; with syllables,
    /// the bursts are modulated at 4 Hz down to silence, as speech is (a steady tone longer than the noise window would
    /// become the noise floor, as a hum should).</summary>
    private static float[] Bursts(double seconds, params (double Start, double End)[] bursts) =>
        Bursts(seconds, false, bursts);

    private static float[] Bursts(double seconds, bool syllables, params (double Start, double End)[] bursts)
    {
        var random = new Random(7);
        var x = new float[(int)(seconds * Rate)];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)((random.NextDouble() - 0.5) * 0.001);
        foreach (var (start, end) in bursts)
            for (int i = (int)(start * Rate); i < (int)(end * Rate); i++)
                x[i] += (float)(
                    0.25
                    * Math.Sin(2 * Math.PI * 220 * i / Rate)
                    * (syllables ? Math.Pow(Math.Sin(Math.PI * 4 * i / Rate), 2) : 1)
                );
        return x;
    }

    private static List<SpeechRegion> Segment(float[] x, int chunk, SegmentOptions? options = null)
    {
        var segmenter = new SpeechSegmenter(options ?? new SegmentOptions());
        var regions = new List<SpeechRegion>();
        for (int i = 0; i < x.Length; i += chunk)
            regions.AddRange(segmenter.Push(x.AsSpan(i, Math.Min(chunk, x.Length - i))));
        regions.AddRange(segmenter.Flush());
        return regions;
    }

    [Test]
    public void Bursts_become_padded_segments_and_clicks_are_dropped()
    {
        var x = Bursts(8, (1.0, 2.0), (3.5, 5.25), (6.5, 6.6)); // the last is a 0.1 s click
        var regions = Segment(x, 4000);
        Assert.That(regions, Has.Count.EqualTo(2));
        Assert.That(regions[0].Start / (double)Rate, Is.EqualTo(0.9).Within(0.011));
        Assert.That(regions[0].End / (double)Rate, Is.EqualTo(2.1).Within(0.011));
        Assert.That(regions[1].Start / (double)Rate, Is.EqualTo(3.4).Within(0.011));
        Assert.That(regions[1].End / (double)Rate, Is.EqualTo(5.35).Within(0.011));
        Assert.That(
            regions[1].Samples,
            Is.EqualTo(x[(int)regions[1].Start..(int)regions[1].End]),
            "a region holds the stream's own samples"
        );
    }

    [Test]
    public void Chunk_size_does_not_change_the_segments()
    {
        var x = Bursts(6, (0.5, 1.7), (2.2, 4.9));
        var reference = Segment(x, x.Length).Select(r => (r.Start, r.End)).ToList();
        Assert.That(reference, Has.Count.EqualTo(2));
        foreach (int chunk in new[] { 1, 159, 160, 1601, 50000 })
            Assert.That(Segment(x, chunk).Select(r => (r.Start, r.End)), Is.EqualTo(reference), $"chunks of {chunk}");
    }

    [Test]
    public void Long_speech_is_cut_into_contiguous_segments_of_at_most_the_maximum()
    {
        var x = Bursts(27, syllables: true, (1, 26));
        var regions = Segment(x, 3000, new SegmentOptions { MaxSegmentSeconds = 10 });
        Assert.That(regions, Has.Count.EqualTo(3));
        Assert.That(regions.Max(r => r.Samples.Length), Is.LessThanOrEqualTo(10 * Rate));
        Assert.That(regions[1].Start, Is.EqualTo(regions[0].End));
        Assert.That(regions[2].Start, Is.EqualTo(regions[1].End));
        Assert.That(regions[^1].End / (double)Rate, Is.EqualTo(26.1).Within(0.011));
    }

    [Test]
    public void Silence_and_options_out_of_range()
    {
        Assert.That(Segment(new float[10 * Rate], 1000), Is.Empty);
        Assert.That(
            () => new SpeechSegmenter(new SegmentOptions { MaxSegmentSeconds = 0.1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>()
        );
        Assert.That(
            () => new SpeechSegmenter(new SegmentOptions { PaddingSeconds = 1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>()
        );
    }

    [Test]
    public async Task Segments_of_a_file_equal_a_stream_fed_in_chunks_at_another_rate()
    {
        var clips = new[] { "03a01Wa", "08a02Tb", "16b10Lb" }
            .Select(f => WavReader.ReadMono16k(TestData.EmoDbWav(f)))
            .ToList();
        var joined = clips.SelectMany(c => new float[Rate].Concat(c)).Concat(new float[Rate]).ToArray();
        using var dir = new TempDir();
        var path = dir.File("joined.wav", WavBytes.Build(3, 1, Rate, 32, WavBytes.Float32(joined)));
        using var recognizer = EmotionRecognizer.FromFile(RecognizerTests.ShippedModel("emodb"));
        var fromFile = new List<EmotionSegment>();
        await foreach (var s in recognizer.RecognizeSegmentsAsync(path))
            fromFile.Add(s);
        Assert.That(fromFile, Has.Count.EqualTo(3));
        double at = 1;
        for (int i = 0; i < 3; i++)
        {
            Assert.That(
                fromFile[i].Start.TotalSeconds,
                Is.EqualTo(at).Within(0.3),
                $"segment {i} starts near its clip"
            );
            Assert.That(fromFile[i].End.TotalSeconds, Is.LessThanOrEqualTo(at + clips[i].Length / (double)Rate + 0.11));
            Assert.That(
                fromFile[i].Label,
                Is.EqualTo(recognizer.Recognize(clips[i], Rate).Label),
                $"segment {i} hears what its clip says"
            );
            at += clips[i].Length / (double)Rate + 1;
        }

        var stream = recognizer.CreateStream();
        var live = new List<EmotionSegment>();
        for (int i = 0; i < joined.Length; i += 1234)
            live.AddRange(stream.AcceptWaveform(joined.AsSpan(i, Math.Min(1234, joined.Length - i)), Rate));
        live.AddRange(stream.Flush());
        Assert.That(
            live.Select(s => (s.Start, s.End, s.Label)),
            Is.EqualTo(fromFile.Select(s => (s.Start, s.End, s.Label)))
        );
        Assert.That(
            () => stream.AcceptWaveform(new float[10], 8000),
            Throws.ArgumentException.With.Message.Contains("16000 Hz")
        );
    }
}
