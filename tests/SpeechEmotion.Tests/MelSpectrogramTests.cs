using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class MelSpectrogramTests
{
    private const double BinHz = 10;

    [TestCase(24)]
    [TestCase(64)]
    [TestCase(81)]
    public void Triangles_rise_and_fall_between_neighbouring_centres_and_sum_to_one_between_the_outer_centres(int bands)
    {
        var bank = MelSpectrogram.Filterbank(bands);
        var sum = new double[Spectrogram.OneSidedBins];
        for (int b = 0; b < bands; b++)
        {
            var (first, weights) = bank[b];
            Assert.That(weights, Is.All.InRange(0.0, 1.0), $"band {b}");
            double centre = MelSpectrogram.Centre(b, bands);
            int peak = first + Array.IndexOf(weights, weights.Max());
            Assert.That(
                Math.Abs(peak * BinHz - centre),
                Is.LessThanOrEqualTo(BinHz),
                $"band {b} peaks at its centre {centre:F1} Hz"
            );
            double low = b == 0 ? 0 : MelSpectrogram.Centre(b - 1, bands),
                high = b == bands - 1 ? 8000 : MelSpectrogram.Centre(b + 1, bands);
            Assert.That(first * BinHz, Is.GreaterThan(low), $"band {b} starts after the previous centre");
            Assert.That(
                (first + weights.Length - 1) * BinHz,
                Is.LessThan(high),
                $"band {b} ends before the next centre"
            );
            for (int j = 0; j < weights.Length; j++)
                sum[first + j] += weights[j];
        }
        double lowest = MelSpectrogram.Centre(0, bands),
            highest = MelSpectrogram.Centre(bands - 1, bands);
        for (int k = 0; k < sum.Length; k++)
            if (k * BinHz >= lowest && k * BinHz <= highest)
                Assert.That(sum[k], Is.EqualTo(1).Within(1e-9), $"bin {k}");
        Assert.That(
            MelSpectrogram.Mel(MelSpectrogram.Centre(bands / 2, bands)),
            Is.EqualTo((bands / 2 + 1) * MelSpectrogram.Mel(8000) / (bands + 1)).Within(1e-9)
        );
        Assert.That(MelSpectrogram.Mel(1000), Is.EqualTo(1000).Within(0.1), "HTK mel scale: 1 kHz ≈ 1000 mel");
    }

    [TestCase(250.0)]
    [TestCase(1000.0)]
    [TestCase(2750.0)]
    [TestCase(6100.0)]
    public void A_tone_is_loudest_in_the_band_centred_nearest_it(double hz)
    {
        const int bands = 40;
        var mel = MelSpectrogram.Compute<double>(WavBytes.Tone(hz, 16000, 8000), bands);
        int frames = mel.Length / bands;
        Assert.That(frames, Is.EqualTo(Spectrogram.FrameCount(8000)));
        int nearest = Enumerable
            .Range(0, bands)
            .MinBy(b => Math.Abs(MelSpectrogram.Mel(MelSpectrogram.Centre(b, bands)) - MelSpectrogram.Mel(hz)));
        for (int f = 0; f < frames; f++)
        {
            var row = mel.AsSpan(f * bands, bands).ToArray();
            Assert.That(Array.IndexOf(row, row.Max()), Is.EqualTo(nearest), $"frame {f}");
        }
    }

    /// <summary>Same STFT as the linear spectrogram: below 4 kHz each band's energy is the filter-weighted sum of the
    /// linear spectrogram's bin powers.</summary>
    [Test]
    public void Band_energies_are_weighted_sums_of_the_linear_spectrogram_powers()
    {
        const int bands = 32;
        var random = new Random(12);
        var audio = Enumerable.Range(0, 3000).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var mel = MelSpectrogram.Compute<double>(audio, bands);
        var linear = Spectrogram.Compute<double>(audio);
        var bank = MelSpectrogram.Filterbank(bands);
        int frames = Spectrogram.FrameCount(audio.Length),
            checkedBands = 0;
        for (int b = 0; b < bands; b++)
        {
            var (first, weights) = bank[b];
            if (first + weights.Length > Spectrogram.Bins)
                continue;
            checkedBands++;
            for (int f = 0; f < frames; f++)
            {
                double energy = Enumerable
                    .Range(0, weights.Length)
                    .Sum(j => weights[j] * (Math.Exp(linear[f * Spectrogram.Bins + first + j]) - Spectrogram.Epsilon));
                Assert.That(
                    mel[f * bands + b],
                    Is.EqualTo(Math.Log(energy + Spectrogram.Epsilon)).Within(1e-9),
                    $"frame {f}, band {b}"
                );
            }
        }
        Assert.That(checkedBands, Is.GreaterThan(bands / 2));
    }

    [TestCase(0)]
    [TestCase(201)]
    public void Band_counts_out_of_range_are_refused(int bands) =>
        Assert.That(
            () => MelSpectrogram.Filterbank(bands),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("between 1 and 200")
        );

    [Test]
    public void The_front_end_follows_the_model_config()
    {
        Assert.That(new ModelConfig().InputFrontEnd(), Is.EqualTo(FrontEnd.Paper));
        Assert.That(
            new ModelConfig { Features = FeatureKind.Mel, InputSize = 48 }.InputFrontEnd(),
            Is.EqualTo(FrontEnd.Mel(48))
        );
        Assert.That(
            () => new ModelConfig { InputSize = 48 }.InputFrontEnd(),
            Throws.ArgumentException.With.Message.Contains("400 bins")
        );
        Assert.That(
            new ModelConfig
            {
                Features = FeatureKind.Mel,
                InputSize = 72,
                Deltas = true,
            }.InputFrontEnd(),
            Is.EqualTo(FrontEnd.Mel(24, deltas: true))
        );
        Assert.That(
            new ModelConfig { InputSize = 1200, Deltas = true }.InputFrontEnd(),
            Is.EqualTo(FrontEnd.Paper with { Deltas = true })
        );
        Assert.That(
            () =>
                new ModelConfig
                {
                    Features = FeatureKind.Mel,
                    InputSize = 70,
                    Deltas = true,
                }.InputFrontEnd(),
            Throws.ArgumentException.With.Message.Contains("multiple of 3")
        );
        var audio = WavBytes.Tone(440, 16000, 2000);
        Assert.That(FrontEnd.Mel(48).Compute(audio), Has.Length.EqualTo(Spectrogram.FrameCount(2000) * 48));
    }
}
