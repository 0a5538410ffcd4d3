using NUnit.Framework;
using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class DeltasTests
{
    /// <summary>Values worked by hand from d_t = Σ n·(c_{t+n} − c_{t−n}) / 10, ends repeated: c = [0, 1, 4].</summary>
    [Test]
    public void Three_frames_match_the_hand_computed_regression()
    {
        var rows = Deltas.Append<double>([0.0, 1.0, 4.0], 1);
        // d = [(1·1 + 2·4)/10, (1·4 + 2·4)/10, (1·3 + 2·4)/10] = [0.9, 1.2, 1.1];
        // dd = [(1·0.3 + 2·0.2)/10, (1·0.2 + 2·0.2)/10, (1·(−0.1) + 2·0.2)/10] = [0.07, 0.06, 0.03].
        Assert.That(rows, Is.EqualTo(new[] { 0.0, 0.9, 0.07, 1.0, 1.2, 0.06, 4.0, 1.1, 0.03 }).Within(1e-12));
    }

    /// <summary>On a ramp c_t = a·t + b the first derivative is a and the second 0, four frames away from either end
    /// (the second regression reaches two frames further than the first).</summary>
    [Test]
    public void A_ramp_has_its_slope_as_delta_and_no_curvature_inside()
    {
        const int frames = 23,
            width = 5;
        var random = new Random(7);
        var slope = Enumerable.Range(0, width).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var offset = Enumerable.Range(0, width).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var c = new double[frames * width];
        for (int t = 0; t < frames; t++)
        for (int i = 0; i < width; i++)
            c[t * width + i] = slope[i] * t + offset[i];
        var rows = Deltas.Append<double>(c, width);
        Assert.That(rows, Has.Length.EqualTo(3 * c.Length));
        for (int t = 0; t < frames; t++)
        for (int i = 0; i < width; i++)
        {
            Assert.That(
                rows[3 * t * width + i],
                Is.EqualTo(c[t * width + i]),
                "the static features come first, unchanged"
            );
            if (t >= Deltas.Window && t < frames - Deltas.Window)
                Assert.That(rows[3 * t * width + width + i], Is.EqualTo(slope[i]).Within(1e-12));
            if (t >= 2 * Deltas.Window && t < frames - 2 * Deltas.Window)
                Assert.That(rows[3 * t * width + 2 * width + i], Is.EqualTo(0).Within(1e-12));
        }
        Assert.That(
            Math.Abs(rows[width + 0]),
            Is.LessThan(Math.Abs(slope[0])),
            "at the first frame the repeated end flattens the slope"
        );
    }

    [Test]
    public void A_single_frame_has_zero_derivatives() =>
        Assert.That(Deltas.Append<float>([1f, -2f, 3f], 3), Is.EqualTo(new[] { 1f, -2f, 3f, 0f, 0f, 0f, 0f, 0f, 0f }));

    [Test]
    public void Rows_that_do_not_divide_into_the_width_are_refused() =>
        Assert.That(
            () => Deltas.Append<float>(new float[7], 3),
            Throws.ArgumentException.With.Message.Contains("not rows of width 3")
        );

    [Test]
    public void The_mel_front_end_with_deltas_keeps_the_bands_first()
    {
        var audio = WavBytes.Tone(440, 16000, 3000);
        var plain = FrontEnd.Mel(24).Compute(audio);
        var withDeltas = FrontEnd.Mel(24, deltas: true).Compute(audio);
        int frames = plain.Length / 24;
        Assert.That(withDeltas, Has.Length.EqualTo(frames * 72));
        for (int t = 0; t < frames; t++)
            Assert.That(withDeltas.AsSpan(t * 72, 24).ToArray(), Is.EqualTo(plain.AsSpan(t * 24, 24).ToArray()));
        Assert.That(withDeltas, Is.EqualTo(Deltas.Append<float>(plain, 24)));
    }
}
