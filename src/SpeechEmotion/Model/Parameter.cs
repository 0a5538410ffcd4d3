using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>How a parameter tensor is initialised (PyTorch's rules).</summary>
public enum Init
{
    Zero,
    Uniform,
    XavierUniform,
}

/// <summary>One named parameter (PyTorch name and shape); its value and gradient are views into the set's
/// arenas.</summary>
public sealed class Parameter<T>(string name, int[] shape, Init init, double bound)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public string Name { get; } = name;
    public int[] Shape { get; } = shape;
    public int Length { get; } = Tensor<T>.ShapeLength(shape);
    public Init Init { get; } = init;

    /// <summary>Half-width of the uniform range for <see cref="Init.Uniform"/>.</summary>
    public double Bound { get; } = bound;
    public int Offset { get; internal set; }
    public Tensor<T> Value { get; internal set; } = null!;
    public Tensor<T> Grad { get; internal set; } = null!;
}
