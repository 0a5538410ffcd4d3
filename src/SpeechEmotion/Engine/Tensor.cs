namespace SpeechEmotion.Engine;

/// <summary>
/// An opaque buffer owned by a backend: the model passes tensors to backend ops and never indexes their memory.
/// Shape is row-major; a tensor may be a view into a larger buffer (parameter arenas, reused workspaces).
/// </summary>
public abstract class Tensor<U> : IDisposable
    where U : unmanaged
{
    protected Tensor(int[] shape)
    {
        Shape = shape;
        Length = ShapeLength(shape);
    }

    public int[] Shape { get; }
    public int Length { get; }

    /// <summary>Size of dimension i; negative i counts from the end.</summary>
    public int Dim(int i) => Shape[i < 0 ? Shape.Length + i : i];

    public static int ShapeLength(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]");
            n *= d;
        }
        return n <= int.MaxValue
            ? (int)n
            : throw new ArgumentException($"shape [{string.Join(", ", shape)}] is too large");
    }

    /// <summary>Frees device memory a backend holds for this tensor (views and host arrays need nothing).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);

    public override string ToString() => $"{GetType().Name}[{string.Join(", ", Shape)}]";
}
