using System.Numerics;

namespace SpeechEmotion.Features;

/// <summary>
/// Appends first and second time derivatives to feature rows, as HTK and torchaudio's compute_deltas (window N = 2):
/// d_t = Σ_{n=1..N} n·(c_{t+n} − c_{t−n}) / (2 Σ_{n=1..N} n²), frames beyond either end repeat the end frame; the
/// second derivative is the same regression applied to d. Output row t is [c_t, d_t, dd_t], three times the input
/// width.
/// </summary>
public static class Deltas
{
    public const int Window = 2;

    /// <summary>Row-major [frames, 3·width] from row-major [frames, width].</summary>
    public static T[] Append<T>(ReadOnlySpan<T> rows, int width)
        where T : IFloatingPoint<T>
    {
        if (width < 1 || rows.Length % width != 0)
            throw new ArgumentException($"{rows.Length} values are not rows of width {width}");
        int frames = rows.Length / width;
        var first = Regression(rows, width);
        var second = Regression(first, width);
        var output = new T[3 * rows.Length];
        for (int t = 0; t < frames; t++)
        {
            var row = output.AsSpan(3 * t * width, 3 * width);
            rows.Slice(t * width, width).CopyTo(row);
            first.AsSpan(t * width, width).CopyTo(row[width..]);
            second.AsSpan(t * width, width).CopyTo(row[(2 * width)..]);
        }
        return output;
    }

    private static T[] Regression<T>(ReadOnlySpan<T> rows, int width)
        where T : IFloatingPoint<T>
    {
        int frames = rows.Length / width;
        var output = new T[rows.Length];
        T denominator = T.CreateChecked(2 * Enumerable.Range(1, Window).Sum(n => n * n));
        for (int t = 0; t < frames; t++)
        for (int n = 1; n <= Window; n++)
        {
            int later = Math.Min(t + n, frames - 1),
                earlier = Math.Max(t - n, 0);
            T weight = T.CreateChecked(n) / denominator;
            for (int i = 0; i < width; i++)
                output[t * width + i] += weight * (rows[later * width + i] - rows[earlier * width + i]);
        }
        return output;
    }
}
