using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    public void AddBias(Tensor<T> x, Tensor<T> bias)
    {
        var xs = Span(x);
        var bs = Span(bias);
        for (int r = 0; r < xs.Length; r += bs.Length)
            TensorPrimitives.Add(xs.Slice(r, bs.Length), bs, xs.Slice(r, bs.Length));
    }

    public void BiasGrad(Tensor<T> dy, Tensor<T> dBias)
    {
        var ds = Span(dy);
        var bs = Span(dBias);
        for (int r = 0; r < ds.Length; r += bs.Length)
            TensorPrimitives.Add(bs, ds.Slice(r, bs.Length), bs);
    }

    public void Relu(Tensor<T> x, Tensor<T> y) => TensorPrimitives.Max(Span(x), T.Zero, Span(y));

    // dx = dy · [y > 0]
    public void ReluBackward(Tensor<T> y, Tensor<T> dy, Tensor<T> dx)
    {
        var ys = Span(y);
        var dys = Span(dy);
        var dxs = Span(dx);
        for (int i = 0; i < ys.Length; i++)
            dxs[i] = ys[i] > T.Zero ? dys[i] : T.Zero;
    }

    public void Dropout(Tensor<T> x, Tensor<T> y, DropoutSpec spec) => ApplyDropout(Span(x), Span(y), spec);

    // y = x · keep_i/(1−p), so dx = dy · keep_i/(1−p): the same mask.
    public void DropoutBackward(Tensor<T> dy, Tensor<T> dx, DropoutSpec spec) => ApplyDropout(Span(dy), Span(dx), spec);

    private static void ApplyDropout(ReadOnlySpan<T> x, Span<T> y, DropoutSpec spec)
    {
        if (!spec.Active)
        {
            x.CopyTo(y);
            return;
        }
        var keep = new T[x.Length];
        KeepMask(spec, 0, keep);
        TensorPrimitives.Multiply(x, keep, y);
    }

    /// <summary>The dropout multipliers of elements firstIndex … as T: <see cref="Philox.FillKeep"/> straight into a
    /// float span, converted for the float64 backend of the gradient checks.</summary>
    private static void KeepMask(in DropoutSpec spec, int firstIndex, Span<T> keep)
    {
        if (typeof(T) == typeof(float))
        {
            Philox.FillKeep(spec, firstIndex, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(keep));
            return;
        }
        var values = new float[keep.Length];
        Philox.FillKeep(spec, firstIndex, values);
        for (int i = 0; i < keep.Length; i++)
            keep[i] = T.CreateChecked(values[i]);
    }
}
