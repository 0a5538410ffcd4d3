namespace SpeechEmotion.Features;

/// <summary>
/// The classic utterance-level front end of the reference baseline: 144 statistics of a whole utterance. On a 25 ms /
/// 10 ms, 512-point STFT (<see cref="StftFraming.Short"/>): 40 HTK-mel log energies M (0–8 kHz, the filters of
/// <see cref="MelSpectrogram"/>) and their first 20 orthonormal DCT-II coefficients C (MFCCs). Per utterance, in
/// this order: mean and std of C (20 + 20), std of C's frame-to-frame differences (20), mean and std of M (40 + 40),
/// and the frame log-energy log Σ|X|²'s mean, std and range, and the frame count (4). Standard deviations are
/// population ones (1/N); with one frame the differences' is 0. Everything runs in double.
/// </summary>
public static class UtteranceFunctionals
{
    public const int Bands = 40,
        Cepstra = 20;

    /// <summary>Values per utterance: 3 × 20 + 2 × 40 + 4 = 144.</summary>
    public const int Count = 3 * Cepstra + 2 * Bands + 4;

    /// <summary>The 144 functionals of 16 kHz mono samples.</summary>
    public static float[] Compute(ReadOnlySpan<float> samples)
    {
        var framing = StftFraming.Short;
        var bank = MelSpectrogram.Filterbank(Bands, framing.FftSize);
        const int width = Bands + Cepstra + 1; // per frame: M, C, log energy
        var rows = framing.Frames<double>(
            samples,
            width,
            framing.OneSidedBins,
            (power, row) =>
            {
                double total = 0;
                for (int k = 0; k < power.Length; k++)
                    total += power[k];
                for (int b = 0; b < Bands; b++)
                {
                    var (first, weights) = bank[b];
                    double energy = 0;
                    for (int j = 0; j < weights.Length; j++)
                        energy += weights[j] * power[first + j];
                    row[b] = Math.Log(energy + Spectrogram.Epsilon);
                }
                for (int c = 0; c < Cepstra; c++)
                {
                    double sum = 0;
                    for (int b = 0; b < Bands; b++)
                        sum += row[b] * Dct[c * Bands + b];
                    row[Bands + c] = sum;
                }
                row[width - 1] = Math.Log(total + Spectrogram.Epsilon);
            }
        );
        int frames = rows.Length / width;
        double Value(int frame, int column) => rows[frame * width + column];
        var output = new List<double>(Count);
        for (int c = 0; c < Cepstra; c++)
            output.Add(Mean(frames, f => Value(f, Bands + c)));
        for (int c = 0; c < Cepstra; c++)
            output.Add(Std(frames, f => Value(f, Bands + c)));
        for (int c = 0; c < Cepstra; c++)
            output.Add(Std(frames - 1, f => Value(f + 1, Bands + c) - Value(f, Bands + c)));
        for (int b = 0; b < Bands; b++)
            output.Add(Mean(frames, f => Value(f, b)));
        for (int b = 0; b < Bands; b++)
            output.Add(Std(frames, f => Value(f, b)));
        var energies = Enumerable.Range(0, frames).Select(f => Value(f, width - 1)).ToArray();
        output.AddRange([energies.Average(), Std(frames, f => energies[f]), energies.Max() - energies.Min(), frames]);
        return output.Select(v => (float)v).ToArray();
    }

    /// <summary>Orthonormal DCT-II rows: C_k = s_k Σ_n M_n cos(πk(2n+1)/(2N)), s_0 = √(1/N), s_k =
    /// √(2/N).</summary>
    private static readonly double[] Dct = Enumerable
        .Range(0, Cepstra * Bands)
        .Select(i =>
        {
            int k = i / Bands,
                n = i % Bands;
            return Math.Sqrt((k == 0 ? 1.0 : 2.0) / Bands) * Math.Cos(Math.PI * k * (2 * n + 1) / (2.0 * Bands));
        })
        .ToArray();

    private static double Mean(int count, Func<int, double> value)
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
            sum += value(i);
        return count > 0 ? sum / count : 0;
    }

    private static double Std(int count, Func<int, double> value)
    {
        if (count < 2)
            return 0;
        double mean = Mean(count, value),
            squares = 0;
        for (int i = 0; i < count; i++)
            squares += (value(i) - mean) * (value(i) - mean);
        return Math.Sqrt(squares / count);
    }
}
