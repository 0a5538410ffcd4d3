using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    public void MaskedMeanPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y)
    {
        var lens = Ints(lengths);
        int batch = lens.Length, width = y.Dim(-1), steps = x.Length / (batch * width);
        var xs = Span(x); var ys = Span(y);
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            var yb = ys.Slice(b * width, width);
            yb.Clear();
            for (int t = 0; t < len; t++) TensorPrimitives.Add(yb, xs.Slice((b * steps + t) * width, width), yb);
            TensorPrimitives.Multiply(yb, T.One / T.CreateChecked(len), yb);
        }
    }

    // dx[b, t] = dy[b] / len_b for t < len_b, else 0.
    public void MaskedMeanPoolBackward(Tensor<T> dy, Tensor<int> lengths, Tensor<T> dx)
    {
        var lens = Ints(lengths);
        int batch = lens.Length, width = dy.Dim(-1), steps = dx.Length / (batch * width);
        var dys = Span(dy); var dxs = Span(dx);
        for (int b = 0; b < batch; b++)
        {
            int len = CheckedLength(lens[b], steps);
            T inv = T.One / T.CreateChecked(len);
            for (int t = 0; t < steps; t++)
            {
                var row = dxs.Slice((b * steps + t) * width, width);
                if (t < len) TensorPrimitives.Multiply(dys.Slice(b * width, width), inv, row);
                else row.Clear();
            }
        }
    }
}
