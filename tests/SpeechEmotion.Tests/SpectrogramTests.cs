using System.Numerics;
using SpeechEmotion.Audio;
using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class SpectrogramTests
{
    private static Complex[] NaiveDft(Complex[] x)
    {
        int n = x.Length;
        var y = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            Complex sum = 0;
            for (int j = 0; j < n; j++)
                sum += x[j] * Complex.FromPolarCoordinates(1, -2 * Math.PI * ((long)k * j % n) / n);
            y[k] = sum;
        }
        return y;
    }

    [TestCase(1600)]
    [TestCase(1)]
    [TestCase(12)]
    [TestCase(45)]
    [TestCase(49)]
    [TestCase(10)]
    [TestCase(100)]
    [TestCase(800)]
    public void Mixed_radix_fft_matches_naive_dft(int n)
    {
        var random = new Random(n);
        var x = Enumerable
            .Range(0, n)
            .Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5))
            .ToArray();
        var fast = new Complex[n];
        new MixedRadixFft(n).Forward(x, fast);
        var slow = NaiveDft(x);
        double scale = slow.Max(c => c.Magnitude);
        Assert.That(fast.Zip(slow).Max(p => (p.First - p.Second).Magnitude) / scale, Is.LessThan(1e-12));
    }

    [TestCase(1600)]
    [TestCase(2)]
    [TestCase(90)]
    [TestCase(98)]
    public void Real_fft_matches_the_naive_dft_of_its_real_input(int n)
    {
        var random = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray();
        var spectrum = new Complex[n / 2 + 1];
        new RealFft(n).Forward(x, spectrum, new Complex[n / 2], new Complex[n / 2]);
        var slow = NaiveDft(x.Select(v => new Complex(v, 0)).ToArray());
        double scale = slow.Max(c => c.Magnitude);
        Assert.That(spectrum.Zip(slow).Max(p => (p.First - p.Second).Magnitude) / scale, Is.LessThan(1e-12));
    }

    [Test]
    public void Spectrogram_matches_a_naive_dft_of_each_windowed_frame()
    {
        var random = new Random(7);
        var samples = Enumerable.Range(0, 640 + 3 * 160 + 37).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var spec = Spectrogram.Compute<double>(samples);
        Assert.That(spec, Has.Length.EqualTo(4 * Spectrogram.Bins));
        for (int f = 0; f < 4; f++)
        {
            var frame = new Complex[Spectrogram.FftSize];
            for (int n = 0; n < Spectrogram.WindowLength; n++)
                frame[n] = samples[f * Spectrogram.Hop + n] * (0.5 - 0.5 * Math.Cos(2 * Math.PI * n / 640));
            var dft = NaiveDft(frame);
            for (int k = 0; k < Spectrogram.Bins; k++)
            {
                double expected = Math.Log(dft[k].Magnitude * dft[k].Magnitude + Spectrogram.Epsilon);
                Assert.That(spec[f * Spectrogram.Bins + k], Is.EqualTo(expected).Within(1e-9), $"frame {f} bin {k}");
            }
        }
    }

    [TestCase(1, 1)]
    [TestCase(640, 1)]
    [TestCase(799, 1)]
    [TestCase(800, 2)]
    [TestCase(16000, 97)]
    public void Frame_count_follows_the_documented_convention(int samples, int frames)
    {
        Assert.That(Spectrogram.FrameCount(samples), Is.EqualTo(frames));
        Assert.That(Spectrogram.Compute<float>(new float[samples]), Has.Length.EqualTo(frames * Spectrogram.Bins));
    }

    [Test]
    public void Short_clip_is_zero_padded_to_one_frame()
    {
        var clip = WavBytes.Tone(500, 16000, 100);
        var padded = new float[640];
        clip.CopyTo(padded, 0);
        Assert.That(Spectrogram.Compute<double>(clip), Is.EqualTo(Spectrogram.Compute<double>(padded)));
    }

    [Test]
    public void Float_and_double_outputs_agree()
    {
        var tone = WavBytes.Tone(440, 16000, 4000);
        var d = Spectrogram.Compute<double>(tone);
        var f = Spectrogram.Compute<float>(tone);
        Assert.That(Errors.MaxRelative(f, d), Is.LessThan(1e-6));
    }

    [TestCase(1000.0, 100)]
    [TestCase(2350.0, 235)]
    [TestCase(3990.0, 399)]
    public void Pure_tone_lands_in_its_bin(double hz, int bin)
    {
        var spec = Spectrogram.Compute<double>(WavBytes.Tone(hz, 16000, 16000));
        int frames = spec.Length / Spectrogram.Bins;
        for (int f = 0; f < frames; f++)
        {
            var row = spec.AsSpan(f * Spectrogram.Bins, Spectrogram.Bins);
            Assert.That(row.IndexOf(row.ToArray().Max()), Is.EqualTo(bin), $"frame {f}");
        }
    }

    [TestCase(48000)]
    [TestCase(22050)]
    public void Resampled_stereo_file_gives_the_spectrogram_of_the_16k_original(int rate)
    {
        // Two tones plus a sweep, all inside 0-4 kHz; the same signal rendered at 16 kHz and at `rate` in stereo.
        static float Signal(double t, int channel) =>
            (float)(
                0.3 * Math.Sin(2 * Math.PI * 440 * t)
                + 0.2 * Math.Sin(2 * Math.PI * (1200 + 400 * t) * t)
                + (channel == 0 ? 0.1 : -0.1) * Math.Sin(2 * Math.PI * 3000 * t)
            );
        const double seconds = 1.0;
        var original = Enumerable
            .Range(0, (int)(16000 * seconds))
            .Select(n => 0.5f * (Signal(n / 16000.0, 0) + Signal(n / 16000.0, 1)))
            .ToArray();
        var stereo = new float[2 * (int)(rate * seconds)];
        for (int n = 0; n < stereo.Length / 2; n++)
        {
            stereo[2 * n] = Signal(n / (double)rate, 0);
            stereo[2 * n + 1] = Signal(n / (double)rate, 1);
        }
        using var dir = new TempDir();
        var path = dir.File("resampled.wav", WavBytes.Build(3, 2, rate, 32, WavBytes.Float32(stereo)));
        var resampled = WavReader.ReadMono16k(path);
        Assert.That(resampled.Length, Is.EqualTo(original.Length).Within(2));

        var expected = Spectrogram.Compute<double>(original);
        var actual = Spectrogram.Compute<double>(resampled);
        int frames = Math.Min(expected.Length, actual.Length) / Spectrogram.Bins;
        // Compare where the signal has energy (within 40 dB of each frame's peak); skip the first and last two frames,
        // where the resampler's filter is still filling. Tolerance: 0.5 in natural-log power (≈ 2 dB).
        double worst = 0;
        for (int f = 2; f < frames - 2; f++)
        {
            var e = expected.AsSpan(f * Spectrogram.Bins, Spectrogram.Bins);
            double peak = e.ToArray().Max();
            for (int k = 0; k < Spectrogram.Bins; k++)
                if (e[k] > peak - Math.Log(1e4))
                    worst = Math.Max(worst, Math.Abs(actual[f * Spectrogram.Bins + k] - e[k]));
        }
        Assert.That(worst, Is.LessThan(0.5), $"largest log-power difference over energetic bins at {rate} Hz");
    }
}
