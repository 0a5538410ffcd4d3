using System.Numerics;
using System.Numerics.Tensors;

namespace SpeechEmotion.Engine;

/// <summary>
/// softmax(x)_i = exp(x_i − max x) / Σ_j exp(x_j − max x), vectorised. TensorPrimitives.SoftMax exponentiates without
/// subtracting the maximum, so in float any input above ≈ 88 gives ∞/∞ = NaN: that is how a confident model's
/// attention scores or logits once turned a long training run's loss into NaN. The kernels subtract the maximum too.
/// </summary>
public static class Softmax
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> p)
        where T : IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, p);
        TensorPrimitives.Exp<T>(p, p);
        TensorPrimitives.Divide(p, TensorPrimitives.Sum<T>(p), p);
    }
}
