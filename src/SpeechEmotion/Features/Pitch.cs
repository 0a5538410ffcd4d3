using System.Numerics.Tensors;

namespace SpeechEmotion.Features;

/// <summary>
/// Fundamental frequency per spectrogram frame (YIN, de Cheveigné and Kawahara 2002), for prosody that a few dozen
/// mel bands hardly resolve. Frame f is the same 640 samples the STFT windows (start f·160). With lags τ in
/// [16000/600, 16000/60] (60–600 Hz) and W = 640 − τ_max − 1:
///   d(τ)  = Σ_{j&lt;W} (x_j − x_{j+τ})² = E(0) + E(τ) − 2 Σ_{j&lt;W} x_j x_{j+τ}   (E(τ): energy of x_τ..x_{τ+W−1})
///   d'(τ) = d(τ) · τ / Σ_{k=1..τ} d(k)                                       (cumulative mean normalised difference)
/// The period is the first τ with d'(τ) &lt; 0.2, moved on to the bottom of that dip and refined by a parabola through
/// d' at τ−1, τ, τ+1; such a frame is voiced. Otherwise the frame is unvoiced and its log F0 is interpolated linearly
/// between the nearest voiced frames (held at the ends; the range's geometric middle if nothing in the clip is
/// voiced), so the track has no jumps for the GRU to chase. Periodicity = clamp(1 − d'(τ), 0, 1) at the chosen τ, or
/// at d''s minimum for an unvoiced frame: how voiced the frame is.
/// </summary>
public static class Pitch
{
    public const double MinHz = 60,
        MaxHz = 600,
        Threshold = 0.2;

    /// <summary>Values per frame: log F0 (natural log of Hz) and periodicity.</summary>
    public const int Values = 2;
    public const int MinLag = (int)(Spectrogram.SampleRate / MaxHz),
        MaxLag = (int)(Spectrogram.SampleRate / MinHz);

    /// <summary>W: the summed span, so that x_{τ+W−1} stays in the frame up to τ_max + 1 (the parabola's right
    /// point).</summary>
    public const int Span = Spectrogram.WindowLength - MaxLag - 1;

    public readonly record struct Track(double[] LogF0, double[] Periodicity, bool[] Voiced)
    {
        /// <summary>F0 in Hz of the voiced frames, in time order.</summary>
        public IEnumerable<double> VoicedHz()
        {
            var voiced = Voiced;
            return LogF0.Where((_, t) => voiced[t]).Select(Math.Exp);
        }
    }

    public static Track Estimate(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
            throw new ArgumentException("cannot track the pitch of zero samples", nameof(samples));
        int frames = Spectrogram.FrameCount(samples.Length);
        var padded = new float[Math.Max(samples.Length, Spectrogram.WindowLength)];
        samples.CopyTo(padded);
        var (lags, periodicity, voiced) = (new double[frames], new double[frames], new bool[frames]);
        Parallel.For(
            0,
            frames,
            () => new double[MaxLag + 2],
            (f, _, normalised) =>
            {
                (lags[f], periodicity[f], voiced[f]) = Frame(
                    padded.AsSpan(f * Spectrogram.Hop, Spectrogram.WindowLength),
                    normalised
                );
                return normalised;
            },
            _ => { }
        );
        return new Track(Interpolate(lags, voiced), periodicity, voiced);
    }

    /// <summary>Row-major [frames, width + 2]: each row of <paramref name="rows"/> followed by log F0 and
    /// periodicity.</summary>
    public static float[] Append(ReadOnlySpan<float> rows, int width, ReadOnlySpan<float> samples)
    {
        var track = Estimate(samples);
        int frames = track.LogF0.Length;
        if (rows.Length != frames * width)
            throw new ArgumentException($"{rows.Length} values are not {frames} frames of width {width}");
        var output = new float[frames * (width + Values)];
        for (int t = 0; t < frames; t++)
        {
            var row = output.AsSpan(t * (width + Values), width + Values);
            rows.Slice(t * width, width).CopyTo(row);
            (row[width], row[width + 1]) = ((float)track.LogF0[t], (float)track.Periodicity[t]);
        }
        return output;
    }

    /// <summary>Lag (samples, fractional), periodicity and voicing of one frame; d' goes into
    /// <paramref name="normalised"/>.</summary>
    private static (double Lag, double Periodicity, bool Voiced) Frame(ReadOnlySpan<float> x, double[] normalised)
    {
        var head = x[..Span];
        double e0 = TensorPrimitives.Dot(head, head),
            eTau = e0,
            cumulative = 0;
        normalised[0] = 1;
        for (int tau = 1; tau <= MaxLag + 1; tau++)
        {
            // Slide the energy window one sample: E(τ) = E(τ−1) − x_{τ−1}² + x_{τ+W−1}².
            eTau += (double)x[tau + Span - 1] * x[tau + Span - 1] - (double)x[tau - 1] * x[tau - 1];
            double d = Math.Max(0, e0 + eTau - 2.0 * TensorPrimitives.Dot(head, x.Slice(tau, Span)));
            cumulative += d;
            normalised[tau] = cumulative > 0 ? d * tau / cumulative : 1;
        }
        int best = -1;
        for (int tau = MinLag; tau <= MaxLag; tau++)
            if (normalised[tau] < Threshold)
            {
                best = tau;
                while (best < MaxLag && normalised[best + 1] < normalised[best])
                    best++;
                break;
            }
        bool voiced = best >= 0;
        if (!voiced)
        {
            best = MinLag;
            for (int tau = MinLag + 1; tau <= MaxLag; tau++)
                if (normalised[tau] < normalised[best])
                    best = tau;
        }
        double periodicity = Math.Clamp(1 - normalised[best], 0, 1);
        var (a, b, c) = (normalised[best - 1], normalised[best], normalised[best + 1]);
        double curvature = a - 2 * b + c;
        double lag = curvature > 0 ? best + Math.Clamp((a - c) / (2 * curvature), -0.5, 0.5) : best;
        return (lag, periodicity, voiced);
    }

    /// <summary>log F0 of the voiced frames; the unvoiced ones interpolated between them in log F0.</summary>
    private static double[] Interpolate(double[] lags, bool[] voiced)
    {
        var logF0 = new double[lags.Length];
        int previous = -1;
        for (int t = 0; t <= lags.Length; t++)
        {
            if (t < lags.Length && !voiced[t])
                continue;
            double? left = previous >= 0 ? Math.Log(Spectrogram.SampleRate / lags[previous]) : null;
            double? right = t < lags.Length ? Math.Log(Spectrogram.SampleRate / lags[t]) : null;
            double middle = 0.5 * Math.Log(MinHz * MaxHz);
            for (int u = previous + 1; u <= Math.Min(t, lags.Length - 1); u++)
                logF0[u] = (left, right) switch
                {
                    ({ } l, { } r) => l + (r - l) * (u - previous) / (t - previous),
                    ({ } l, null) => l,
                    (null, { } r) => r,
                    _ => middle,
                };
            previous = t;
        }
        return logF0;
    }
}
