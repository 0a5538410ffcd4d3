using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// Log-mel filterbank energies on the same STFT as <see cref="Spectrogram"/> (40 ms Hann, 10 ms hop, 1600-point DFT),
/// over the whole band 0–8 kHz: value log(Σ_k w_bk |X_k|² + ε). The filters are torchaudio's melscale_fbanks with
/// mel_scale="htk", norm=None: mel(f) = 2595 log10(1 + f/700), band b's triangle rises from centre b−1 to centre b and
/// falls to centre b+1, centres evenly spaced in mel between 0 and 8 kHz (two end points beyond the bands). Unlike the
/// paper's 400 linear bins up to 4 kHz, a few dozen bands keep the fricative and high-frequency energy that marks
/// arousal while giving the GRU a much smaller input.
/// </summary>
public static class MelSpectrogram
{
    public const double MaxFrequency = Spectrogram.SampleRate / 2.0;

    public static double Mel(double hz) => 2595 * Math.Log10(1 + hz / 700);

    public static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

    /// <summary>Centre frequency of band b (0-based) of <paramref name="bands"/>.</summary>
    public static double Centre(int b, int bands) => Hz((b + 1) * Mel(MaxFrequency) / (bands + 1));

    /// <summary>Row-major [frames, bands]; the transform runs in double.</summary>
    public static T[] Compute<T>(ReadOnlySpan<float> samples, int bands)
        where T : IFloatingPoint<T>
    {
        var bank = Filterbank(bands);
        return Spectrogram.Frames<T>(
            samples,
            bands,
            Spectrogram.OneSidedBins,
            (power, row) =>
            {
                for (int b = 0; b < bands; b++)
                {
                    var (first, weights) = bank[b];
                    double energy = 0;
                    for (int j = 0; j < weights.Length; j++)
                        energy += weights[j] * power[first + j];
                    row[b] = T.CreateChecked(Math.Log(energy + Spectrogram.Epsilon));
                }
            }
        );
    }

    /// <summary>Each band's non-zero weights over DFT bins first.. of an <paramref name="fftSize"/>-point DFT (bin k
    /// is k·16000/fftSize Hz; the paper's 1600 points: 10 Hz).</summary>
    public static (int First, double[] Weights)[] Filterbank(int bands, int fftSize = Spectrogram.FftSize) =>
        Banks.GetOrAdd((bands, fftSize), Build);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int), (int, double[])[]> Banks =
        new();

    private static (int, double[])[] Build((int Bands, int FftSize) key)
    {
        var (bands, fftSize) = key;
        if (bands is < 1 or > 200)
            throw new ArgumentOutOfRangeException(nameof(bands), bands, "mel bands must be between 1 and 200");
        double binHz = (double)Spectrogram.SampleRate / fftSize;
        var edges = Enumerable.Range(0, bands + 2).Select(i => Hz(i * Mel(MaxFrequency) / (bands + 1))).ToArray();
        // Hz(Mel(8000)) rounds a hair above 8 kHz, which would give the Nyquist bin a 1e-13 weight.
        edges[^1] = MaxFrequency;
        var bank = new (int, double[])[bands];
        for (int b = 0; b < bands; b++)
        {
            double low = edges[b],
                centre = edges[b + 1],
                high = edges[b + 2];
            var weights = new List<double>();
            int first = -1;
            for (int k = 0; k <= fftSize / 2; k++)
            {
                double f = k * binHz;
                double w = Math.Max(0, Math.Min((f - low) / (centre - low), (high - f) / (high - centre)));
                if (w <= 0)
                    continue;
                if (first < 0)
                    first = k;
                while (first + weights.Count < k)
                    weights.Add(0);
                weights.Add(w);
            }
            if (first < 0)
                throw new ArgumentOutOfRangeException(
                    nameof(bands),
                    bands,
                    $"mel band {b} ({low:F0}–{high:F0} Hz) falls between the {binHz:G4} Hz DFT bins; use fewer bands"
                );
            bank[b] = (first, weights.ToArray());
        }
        return bank;
    }
}
