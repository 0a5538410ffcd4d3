using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// DFT of a real signal of even length N through one complex DFT of length N/2 (half the work): with
/// z[n] = x[2n] + i·x[2n+1] and Z = DFT_{N/2}(z), the even and odd samples' spectra are
/// E[k] = (Z[k] + Z*[N/2−k]) / 2 and O[k] = (Z[k] − Z*[N/2−k]) / 2i, and X[k] = E[k] + e^{-2πik/N} O[k]
/// for k = 0..N/2.
/// </summary>
public sealed class RealFft
{
    private readonly MixedRadixFft _half;
    private readonly Complex[] _twiddles; // e^{-2πik/N}, k = 0..N/2

    public RealFft(int n)
    {
        if (n < 2 || n % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "a real FFT needs an even length of at least 2");
        Length = n;
        _half = new MixedRadixFft(n / 2);
        _twiddles = Enumerable
            .Range(0, n / 2 + 1)
            .Select(k => Complex.FromPolarCoordinates(1, -2 * Math.PI * k / n))
            .ToArray();
    }

    public int Length { get; }

    /// <summary>Bins 0..N/2 of the DFT of <paramref name="x"/> (length N) into <paramref name="spectrum"/> (length
    /// N/2 + 1); <paramref name="packed"/> and <paramref name="work"/> are caller buffers of length N/2.</summary>
    public void Forward(ReadOnlySpan<double> x, Span<Complex> spectrum, Span<Complex> packed, Span<Complex> work)
    {
        int h = Length / 2;
        if (x.Length != Length || spectrum.Length != h + 1 || packed.Length != h || work.Length != h)
            throw new ArgumentException(
                $"real FFT of size {Length} needs {Length} samples, {h + 1} bins and buffers of {h}"
            );
        for (int n = 0; n < h; n++)
            packed[n] = new Complex(x[2 * n], x[2 * n + 1]);
        _half.Forward(packed, work);
        for (int k = 0; k <= h; k++)
        {
            var z = work[k % h];
            var mirror = Complex.Conjugate(work[(h - k) % h]);
            var even = (z + mirror) * 0.5;
            var odd = (z - mirror) * new Complex(0, -0.5);
            spectrum[k] = even + _twiddles[k] * odd;
        }
    }
}
