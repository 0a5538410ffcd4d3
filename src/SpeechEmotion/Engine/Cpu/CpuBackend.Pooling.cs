using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Per-call scratch rows up to this width live on the stack, so a training step allocates nothing here.
    private const int StackLimit = 1024;

    public void MaskedMeanPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y)
    {
        var lens = Ints(lengths);
        int batch = lens.Length,
            width = y.Dim(-1),
            steps = x.Length / (batch * width);
        var xs = Span(x);
        var ys = Span(y);
        for (int b = 0; b < batch; b++)
            Mean(xs, b, CheckedLength(lens[b], steps), steps, ys.Slice(b * width, width));
    }

    // dx[b, t] = dy[b] / len_b for t < len_b, else 0.
    public void MaskedMeanPoolBackward(Tensor<T> dy, Tensor<int> lengths, Tensor<T> dx)
    {
        var lens = Ints(lengths);
        int batch = lens.Length,
            width = dy.Dim(-1),
            steps = dx.Length / (batch * width);
        var dys = Span(dy);
        var dxs = Span(dx);
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            T inv = T.One / T.CreateChecked(len);
            for (int t = 0; t < steps; t++)
            {
                var row = dxs.Slice((b * steps + t) * width, width);
                if (t < len)
                    TensorPrimitives.Multiply(dys.Slice(b * width, width), inv, row);
                else
                    row.Clear();
            }
        }
    }

    // Two passes (mean, then squared deviations) so that a large mean does not cancel the variance in float.
    public void StatisticsPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y)
    {
        var lens = Ints(lengths);
        int batch = lens.Length,
            width = y.Dim(-1) / 2,
            steps = x.Length / (batch * width);
        var xs = Span(x);
        var ys = Span(y);
        Span<T> deviation = width <= StackLimit ? stackalloc T[width] : new T[width];
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            var mean = ys.Slice(2 * b * width, width);
            var std = ys.Slice((2 * b + 1) * width, width);
            Mean(xs, b, len, steps, mean);
            std.Clear();
            for (int t = 0; t < len; t++)
            {
                TensorPrimitives.Subtract(xs.Slice((b * steps + t) * width, width), mean, deviation);
                TensorPrimitives.MultiplyAdd(deviation, deviation, std, std);
            }
            TensorPrimitives.Multiply(std, T.One / T.CreateChecked(len), std);
            TensorPrimitives.Add(std, T.CreateChecked(StatisticsPooling.Epsilon), std);
            TensorPrimitives.Sqrt(std, std);
        }
    }

    // y = [μ | σ], μ = Σ_t x_t / L, σ = √(Σ_t (x_t − μ)² / L + ε). Since Σ_t (x_t − μ) = 0, μ's dependence drops out of
    // dσ/dx_t, and for t < L:  dx_t = dμ / L + dσ ⊙ (x_t − μ) / (L σ);  padded frames get 0.
    public void StatisticsPoolBackward(Tensor<T> dy, Tensor<T> x, Tensor<T> y, Tensor<int> lengths, Tensor<T> dx)
    {
        var lens = Ints(lengths);
        int batch = lens.Length,
            width = dy.Dim(-1) / 2,
            steps = dx.Length / (batch * width);
        var dys = Span(dy);
        var xs = Span(x);
        var ys = Span(y);
        var dxs = Span(dx);
        Span<T> shift = width <= StackLimit ? stackalloc T[width] : new T[width];
        Span<T> scale = width <= StackLimit ? stackalloc T[width] : new T[width];
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            T inv = T.One / T.CreateChecked(len);
            var mean = ys.Slice(2 * b * width, width);
            TensorPrimitives.Multiply(dys.Slice(2 * b * width, width), inv, shift);
            TensorPrimitives.Divide(dys.Slice((2 * b + 1) * width, width), ys.Slice((2 * b + 1) * width, width), scale);
            TensorPrimitives.Multiply(scale, inv, scale);
            for (int t = 0; t < steps; t++)
            {
                var row = dxs.Slice((b * steps + t) * width, width);
                if (t >= len)
                {
                    row.Clear();
                    continue;
                }
                TensorPrimitives.Subtract(xs.Slice((b * steps + t) * width, width), mean, row);
                TensorPrimitives.MultiplyAdd(row, scale, shift, row);
            }
        }
    }

    /// <summary>mean = Σ_{t &lt; len} x[b, t] / len.</summary>
    private static void Mean(Span<T> xs, int b, int len, int steps, Span<T> mean)
    {
        int width = mean.Length;
        mean.Clear();
        for (int t = 0; t < len; t++)
            TensorPrimitives.Add(mean, xs.Slice((b * steps + t) * width, width), mean);
        TensorPrimitives.Multiply(mean, T.One / T.CreateChecked(len), mean);
    }
}
