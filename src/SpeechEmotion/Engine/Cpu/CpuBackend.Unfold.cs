namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    public void Unfold(Tensor<T> x, Tensor<int> lengths, int kernel, Tensor<T> cols)
    {
        var lens = Ints(lengths);
        int batch = lens.Length, width = x.Dim(-1), steps = x.Length / (batch * width), half = UnfoldHalf(kernel);
        CheckLength(cols, batch * steps * width * kernel, "unfold columns");
        var xs = Span(x); var cs = Span(cols);
        cs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            for (int t = 0; t < len; t++)
            {
                var row = cs.Slice((b * steps + t) * width * kernel, width * kernel);
                for (int k = 0; k < kernel; k++)
                {
                    int s = t + k - half;
                    if (s < 0 || s >= len) continue;
                    var frame = xs.Slice((b * steps + s) * width, width);
                    for (int f = 0; f < width; f++) row[f * kernel + k] = frame[f];
                }
            }
        }
    }

    // The adjoint of Unfold: dx[b, s, f] = Σ_k dCols[b, s − k + K/2, f·K + k] over s − k + K/2 in [0, len_b), for
    // s < len_b; padded frames get 0.
    public void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, int kernel, Tensor<T> dx)
    {
        var lens = Ints(lengths);
        int batch = lens.Length, width = dx.Dim(-1), steps = dx.Length / (batch * width), half = UnfoldHalf(kernel);
        CheckLength(dCols, batch * steps * width * kernel, "unfold column gradient");
        var ds = Span(dCols); var dxs = Span(dx);
        dxs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            for (int s = 0; s < len; s++)
            {
                var frame = dxs.Slice((b * steps + s) * width, width);
                for (int k = 0; k < kernel; k++)
                {
                    int t = s - k + half;
                    if (t < 0 || t >= len) continue;
                    var row = ds.Slice((b * steps + t) * width * kernel, width * kernel);
                    for (int f = 0; f < width; f++) frame[f] += row[f * kernel + k];
                }
            }
        }
    }

    private static int UnfoldHalf(int kernel) =>
        kernel >= 1 && kernel % 2 == 1 ? kernel / 2 : throw new ArgumentException($"unfold kernel must be odd and positive, got {kernel}");
}
