using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// Complex forward DFT, X[k] = Σ x[n] e^{-2πi kn/N}, for any N whose prime factors are small (1600 = 4·4·4·5·5).
/// Recursive decimation in time (the kissfft scheme): O(N Σ p) for the factors p of N. Double precision only: the
/// spectrogram needs bins 80 dB below the frame peak, which float32 rounding would bury.
/// </summary>
public sealed class MixedRadixFft
{
    private readonly int _n;
    private readonly int[] _factors;
    private readonly Complex[] _twiddles; // e^{-2πi j/N}

    public MixedRadixFft(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        _factors = Factor(n);
        _twiddles = new Complex[n];
        for (int j = 0; j < n; j++) _twiddles[j] = Complex.FromPolarCoordinates(1, -2 * Math.PI * j / n);
    }

    public int Length => _n;

    /// <summary>output = DFT(input); both of length N, distinct arrays.</summary>
    public void Forward(ReadOnlySpan<Complex> input, Span<Complex> output)
    {
        if (input.Length != _n || output.Length != _n) throw new ArgumentException($"FFT of size {_n} needs spans of that length");
        Span<Complex> scratch = stackalloc Complex[_factors.DefaultIfEmpty(1).Max()];
        Transform(input, 1, output, 0, scratch);
    }

    private void Transform(ReadOnlySpan<Complex> input, int stride, Span<Complex> output, int level, Span<Complex> scratch)
    {
        int n = output.Length;
        if (n == 1) { output[0] = input[0]; return; }
        int p = _factors[level], m = n / p;
        // Sub-transform q takes samples q, q+p, q+2p, ... and lands in output[q*m .. (q+1)*m).
        for (int q = 0; q < p; q++)
            Transform(input[(q * stride)..], stride * p, output.Slice(q * m, m), level + 1, scratch);
        int twiddleStep = _n / n;
        for (int k = 0; k < m; k++)
        {
            for (int q = 0; q < p; q++) scratch[q] = output[q * m + k];
            for (int s = 0; s < p; s++)
            {
                int bin = k + s * m;
                Complex sum = scratch[0];
                for (int q = 1; q < p; q++)
                    sum += scratch[q] * _twiddles[(int)((long)q * bin * twiddleStep % _n)];
                output[bin] = sum;
            }
        }
    }

    private static int[] Factor(int n)
    {
        var factors = new List<int>();
        foreach (int p in new[] { 4, 2, 3, 5 })
            while (n % p == 0) { factors.Add(p); n /= p; }
        for (int p = 7; n > 1; p += 2)
            while (n % p == 0) { factors.Add(p); n /= p; }
        return [.. factors];
    }
}
