using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// Complex forward DFT, X[k] = Σ x[n] e^{-2πi kn/N}, for any N whose prime factors are small (1600 = 4·4·4·5·5).
/// Recursive decimation in time (the kissfft scheme): O(N Σ p) for the factors p of N, with radix-2 and radix-4
/// butterflies written out and the twiddle index stepped instead of recomputed. Double precision only: the
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
        for (int j = 0; j < n; j++)
            _twiddles[j] = Complex.FromPolarCoordinates(1, -2 * Math.PI * j / n);
    }

    public int Length => _n;

    /// <summary>output = DFT(input); both of length N, distinct arrays.</summary>
    public void Forward(ReadOnlySpan<Complex> input, Span<Complex> output)
    {
        if (input.Length != _n || output.Length != _n)
            throw new ArgumentException($"FFT of size {_n} needs spans of that length");
        Span<Complex> scratch = stackalloc Complex[_factors.DefaultIfEmpty(1).Max()];
        Transform(input, 1, output, 0, scratch);
    }

    private void Transform(
        ReadOnlySpan<Complex> input,
        int stride,
        Span<Complex> output,
        int level,
        Span<Complex> scratch
    )
    {
        int n = output.Length;
        if (n == 1)
        {
            output[0] = input[0];
            return;
        }
        int p = _factors[level],
            m = n / p;
        // Sub-transform q takes samples q, q+p, q+2p, ... and lands in output[q*m .. (q+1)*m); a 1-point one is the
        // sample.
        if (m == 1)
            for (int q = 0; q < p; q++)
                output[q] = input[q * stride];
        else
            for (int q = 0; q < p; q++)
                Transform(input[(q * stride)..], stride * p, output.Slice(q * m, m), level + 1, scratch);
        int step = _n / n; // this level's twiddle e^{-2πi/n} is _twiddles[step]
        switch (p)
        {
            case 2:
                Radix2(output, m, step);
                break;
            case 4:
                Radix4(output, m, step);
                break;
            case 5:
                Radix5(output, m, step);
                break;
            default:
                RadixP(output, p, m, step, scratch);
                break;
        }
    }

    // X[k] = A[k] + w^k B[k], X[k+m] = A[k] − w^k B[k]   (w = e^{-2πi/n}, n = 2m)
    private void Radix2(Span<Complex> x, int m, int step)
    {
        for (int k = 0; k < m; k++)
        {
            var b = x[m + k] * _twiddles[k * step];
            x[m + k] = x[k] - b;
            x[k] += b;
        }
    }

    // With t_q = w^{qk} X_q[k]: X[k + s·m] = Σ_q t_q (−i)^{qs}, i.e. a 4-point DFT of t without multiplications.
    private void Radix4(Span<Complex> x, int m, int step)
    {
        for (int k = 0; k < m; k++)
        {
            var t0 = x[k];
            var t1 = x[m + k] * _twiddles[k * step];
            var t2 = x[2 * m + k] * _twiddles[2 * k * step];
            var t3 = x[3 * m + k] * _twiddles[3 * k * step];
            Complex a0 = t0 + t2,
                a1 = t0 - t2,
                a2 = t1 + t3,
                d = t1 - t3;
            var a3 = new Complex(d.Imaginary, -d.Real); // −i·(t1 − t3)
            x[k] = a0 + a2;
            x[m + k] = a1 + a3;
            x[2 * m + k] = a0 - a2;
            x[3 * m + k] = a1 - a3;
        }
    }

    private static readonly double C1 = Math.Cos(2 * Math.PI / 5),
        C2 = Math.Cos(4 * Math.PI / 5);
    private static readonly double S1 = Math.Sin(2 * Math.PI / 5),
        S2 = Math.Sin(4 * Math.PI / 5);

    // A 5-point DFT of t_q = w^{qk} X_q[k] by its symmetry
    //   W^q + W^{5−q} = 2cos(2πq/5),   W^q − W^{5−q} = −2i sin(2πq/5):
    //   X1,4 = t0 + C1(t1+t4) + C2(t2+t3) ∓ i[S1(t1−t4) + S2(t2−t3)]
    //   X2,3 = t0 + C2(t1+t4) + C1(t2+t3) ∓ i[S2(t1−t4) − S1(t2−t3)]
    private void Radix5(Span<Complex> x, int m, int step)
    {
        for (int k = 0; k < m; k++)
        {
            var t0 = x[k];
            var t1 = x[m + k] * _twiddles[k * step];
            var t2 = x[2 * m + k] * _twiddles[2 * k * step];
            var t3 = x[3 * m + k] * _twiddles[3 * k * step];
            var t4 = x[4 * m + k] * _twiddles[4 * k * step];
            Complex b1 = t1 + t4,
                b2 = t2 + t3,
                c1 = t1 - t4,
                c2 = t2 - t3;
            var r1 = t0 + C1 * b1 + C2 * b2;
            var r2 = t0 + C2 * b1 + C1 * b2;
            var u1 = S1 * c1 + S2 * c2;
            var u2 = S2 * c1 - S1 * c2;
            Complex i1 = new(u1.Imaginary, -u1.Real),
                i2 = new(u2.Imaginary, -u2.Real); // −i·u
            x[k] = t0 + b1 + b2;
            x[m + k] = r1 + i1;
            x[2 * m + k] = r2 + i2;
            x[3 * m + k] = r2 - i2;
            x[4 * m + k] = r1 - i1;
        }
    }

    // The general case: X[k + s·m] = Σ_q X_q[k] w^{q(k + s·m)}, the twiddle index stepped by (k + s·m)·step mod N.
    private void RadixP(Span<Complex> x, int p, int m, int step, Span<Complex> scratch)
    {
        for (int k = 0; k < m; k++)
        {
            for (int q = 0; q < p; q++)
                scratch[q] = x[q * m + k];
            for (int s = 0; s < p; s++)
            {
                int bin = k + s * m,
                    advance = bin * step % _n,
                    index = advance;
                Complex sum = scratch[0];
                for (int q = 1; q < p; q++)
                {
                    sum += scratch[q] * _twiddles[index];
                    index += advance;
                    if (index >= _n)
                        index -= _n;
                }
                x[bin] = sum;
            }
        }
    }

    private static int[] Factor(int n)
    {
        var factors = new List<int>();
        foreach (int p in new[] { 4, 2, 3, 5 })
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        for (int p = 7; n > 1; p += 2)
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        return [.. factors];
    }
}
