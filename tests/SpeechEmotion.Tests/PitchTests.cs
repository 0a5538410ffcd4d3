using NUnit.Framework;
using SpeechEmotion.Features;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests;

public class PitchTests
{
    private const int Rate = Spectrogram.SampleRate;

    /// <summary>Five harmonics (amplitudes 1/k) of a fundamental whose frequency follows <paramref name="hz"/> over
    /// time.</summary>
    private static float[] Voice(Func<double, double> hz, int samples)
    {
        var output = new float[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++)
        {
            for (int k = 1; k <= 5; k++)
                output[n] += (float)(0.3 / k * Math.Sin(k * phase));
            phase += 2 * Math.PI * hz(n / (double)Rate) / Rate;
        }
        return output;
    }

    [TestCase(70.0)]
    [TestCase(123.4)]
    [TestCase(233.0)]
    [TestCase(410.0)]
    [TestCase(580.0)]
    public void Harmonic_tones_are_tracked_within_half_a_percent(double f0)
    {
        var track = Pitch.Estimate(Voice(_ => f0, Rate / 2));
        Assert.That(track.Voiced, Is.All.True);
        foreach (var logF0 in track.LogF0)
            Assert.That(Math.Exp(logF0), Is.EqualTo(f0).Within(0.5).Percent);
        Assert.That(track.Periodicity, Is.All.GreaterThan(0.9));
    }

    /// <summary>An exponential glide 120 → 240 Hz over one second, compared with F0 at each frame's centre.</summary>
    [Test]
    public void A_glide_is_followed_frame_by_frame()
    {
        double Hz(double t) => 120 * Math.Pow(2, t);
        var track = Pitch.Estimate(Voice(Hz, Rate));
        for (int f = 0; f < track.LogF0.Length; f++)
        {
            Assert.That(track.Voiced[f], $"frame {f}");
            double centre = (f * Spectrogram.Hop + Spectrogram.WindowLength / 2.0) / Rate;
            Assert.That(Math.Exp(track.LogF0[f]), Is.EqualTo(Hz(centre)).Within(2).Percent, $"frame {f}");
        }
    }

    [TestCase(100)]
    [TestCase(640)]
    [TestCase(641)]
    [TestCase(801)]
    [TestCase(16000)]
    public void Frames_match_the_spectrogram(int samples) =>
        Assert.That(
            Pitch.Estimate(Voice(_ => 200, samples)).LogF0,
            Has.Length.EqualTo(Spectrogram.FrameCount(samples))
        );

    [Test]
    public void Silence_is_unvoiced_at_the_middle_of_the_range()
    {
        var track = Pitch.Estimate(new float[Rate / 4]);
        Assert.That(track.Voiced, Is.All.False);
        Assert.That(track.Periodicity, Is.All.EqualTo(0));
        Assert.That(track.LogF0, Is.All.EqualTo(0.5 * Math.Log(Pitch.MinHz * Pitch.MaxHz)).Within(1e-12));
    }

    [Test]
    public void White_noise_is_mostly_unvoiced()
    {
        var random = new Random(7);
        var noise = Enumerable.Range(0, Rate).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var track = Pitch.Estimate(noise);
        Assert.That(track.Voiced.Count(v => v), Is.LessThan(track.Voiced.Length / 20));
        Assert.That(track.Periodicity.Average(), Is.LessThan(0.5));
    }

    /// <summary>150 Hz, silence, 300 Hz: the silent frames take log F0 on the straight line between the voiced frames
    /// on either side; silence before the first voiced frame holds its value.</summary>
    [Test]
    public void Unvoiced_frames_are_interpolated_in_log_f0_and_held_at_the_ends()
    {
        int third = 5000;
        var audio = new float[4 * third];
        Voice(_ => 150, third).CopyTo(audio, third);
        Voice(_ => 300, third).CopyTo(audio, 3 * third);
        var track = Pitch.Estimate(audio);
        int firstVoiced = Array.IndexOf(track.Voiced, true);
        Assert.That(firstVoiced, Is.GreaterThan(20));
        for (int f = 0; f < firstVoiced; f++)
            Assert.That(track.LogF0[f], Is.EqualTo(track.LogF0[firstVoiced]));

        int gapStart = Array.FindIndex(track.Voiced, firstVoiced, v => !v),
            gapEnd = Array.FindIndex(track.Voiced, gapStart, v => v);
        Assert.That(gapEnd - gapStart, Is.GreaterThan(20), "the silent third is unvoiced");
        Assert.That(Math.Exp(track.LogF0[gapStart - 1]), Is.EqualTo(150).Within(1).Percent);
        Assert.That(Math.Exp(track.LogF0[gapEnd]), Is.EqualTo(300).Within(1).Percent);
        double step = (track.LogF0[gapEnd] - track.LogF0[gapStart - 1]) / (gapEnd - gapStart + 1);
        for (int f = gapStart; f < gapEnd; f++)
            Assert.That(track.LogF0[f] - track.LogF0[f - 1], Is.EqualTo(step).Within(1e-9), $"frame {f}");
    }

    [Test]
    public void The_front_end_appends_pitch_after_the_bands_and_before_the_deltas()
    {
        var audio = Voice(_ => 180, 8000);
        var plain = FrontEnd.Mel(24).Compute(audio);
        var withPitch = FrontEnd.Mel(24, pitch: true).Compute(audio);
        var track = Pitch.Estimate(audio);
        int frames = plain.Length / 24;
        Assert.That(withPitch, Has.Length.EqualTo(frames * 26));
        for (int t = 0; t < frames; t++)
        {
            Assert.That(withPitch.AsSpan(t * 26, 24).ToArray(), Is.EqualTo(plain.AsSpan(t * 24, 24).ToArray()));
            Assert.That(
                (withPitch[t * 26 + 24], withPitch[t * 26 + 25]),
                Is.EqualTo(((float)track.LogF0[t], (float)track.Periodicity[t]))
            );
        }
        Assert.That(
            FrontEnd.Mel(24, deltas: true, pitch: true).Compute(audio),
            Is.EqualTo(Deltas.Append<float>(withPitch, 26))
        );
        Assert.That(FrontEnd.Mel(24, deltas: true, pitch: true).Width, Is.EqualTo(78));
    }

    [Test]
    public void A_model_config_names_its_pitch_front_end()
    {
        var both = new ModelConfig
        {
            Features = FeatureKind.Mel,
            InputSize = 78,
            Deltas = true,
            Pitch = true,
        };
        Assert.That(both.InputFrontEnd(), Is.EqualTo(FrontEnd.Mel(24, true, true)));
        Assert.That(
            new ModelConfig
            {
                Features = FeatureKind.Mel,
                InputSize = 26,
                Pitch = true,
            }.InputFrontEnd(),
            Is.EqualTo(FrontEnd.Mel(24, pitch: true))
        );
        Assert.That(
            new ModelConfig { InputSize = 402, Pitch = true }.InputFrontEnd(),
            Is.EqualTo(FrontEnd.Paper with { Pitch = true })
        );
        Assert.That(
            () => new ModelConfig { InputSize = 400, Pitch = true }.InputFrontEnd(),
            Throws.ArgumentException.With.Message.Contains("must read 400 bins, not 398")
        );
    }

    [Test]
    public void Bad_input_is_refused()
    {
        Assert.That(() => Pitch.Estimate([]), Throws.ArgumentException.With.Message.Contains("zero samples"));
        Assert.That(
            () => Pitch.Append(new float[10], 3, new float[800]),
            Throws.ArgumentException.With.Message.Contains("not 2 frames of width 3")
        );
    }
}
