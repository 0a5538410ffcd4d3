namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // cols[b, t, f·K + k] = x[b, t + k − K/2, f] inside [0, len_b), else 0; one batch item per thread.
    public void Unfold(Tensor<T> x, Tensor<int> lengths, int kernel, Tensor<T> cols)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, width = x.Dim(-1), steps = x.Length / (batch * width), half = UnfoldHalf(kernel);
        CheckLength(cols, batch * steps * width * kernel, "unfold columns");
        var X = Cpu(x); var C = Cpu(cols);
        Parallel.For(0, batch, Options, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var xs = X.Array.AsSpan(X.Offset + b * steps * width, steps * width);
            var cs = C.Array.AsSpan(C.Offset + b * steps * width * kernel, steps * width * kernel);
            cs[(len * width * kernel)..].Clear();
            for (int t = 0; t < len; t++)
            {
                // Written in order (f outer, k inner): the K source frames stay in cache, the row streams out once.
                var row = cs.Slice(t * width * kernel, width * kernel);
                for (int f = 0, i = 0; f < width; f++)
                    for (int k = 0; k < kernel; k++, i++)
                    {
                        int s = t + k - half;
                        row[i] = s >= 0 && s < len ? xs[s * width + f] : T.Zero;
                    }
            }
        });
    }

    // The adjoint of Unfold: dx[b, s, f] = Σ_k dCols[b, s − k + K/2, f·K + k] over s − k + K/2 in [0, len_b), for
    // s < len_b; padded frames get 0. One batch item per thread, k in ascending order.
    public void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, int kernel, Tensor<T> dx)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, width = dx.Dim(-1), steps = dx.Length / (batch * width), half = UnfoldHalf(kernel);
        CheckLength(dCols, batch * steps * width * kernel, "unfold column gradient");
        var D = Cpu(dCols); var DX = Cpu(dx);
        Parallel.For(0, batch, Options, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var ds = D.Array.AsSpan(D.Offset + b * steps * width * kernel, steps * width * kernel);
            var dxs = DX.Array.AsSpan(DX.Offset + b * steps * width, steps * width);
            dxs[(len * width)..].Clear();
            for (int s = 0; s < len; s++)
                for (int f = 0; f < width; f++)
                {
                    T sum = T.Zero;
                    for (int k = 0; k < kernel; k++)
                    {
                        int t = s - k + half;
                        if (t >= 0 && t < len) sum += ds[(t * width + f) * kernel + k];
                    }
                    dxs[s * width + f] = sum;
                }
        });
    }

    private static int UnfoldHalf(int kernel) =>
        kernel >= 1 && kernel % 2 == 1 ? kernel / 2 : throw new ArgumentException($"unfold kernel must be odd and positive, got {kernel}");
}
