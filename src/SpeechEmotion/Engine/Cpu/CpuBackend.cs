using System.Numerics;
using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

/// <summary>
/// The CPU reference backend: plain managed code, generic over float (training) and double (gradient checks),
/// vectorised with TensorPrimitives and parallel over batch items. Each op family lives in its own partial file.
/// </summary>
public sealed partial class CpuBackend<T> : IBackend<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <param name="threads">Threads for the parallel ops (default: all cores). Results do not depend on it: every
    /// output element is summed in the same order whatever the split.</param>
    public CpuBackend(int? threads = null)
    {
        Threads = threads ?? Environment.ProcessorCount;
        if (Threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), $"threads must be at least 1, got {threads}");
        Options = new ParallelOptions { MaxDegreeOfParallelism = Threads };
    }

    public int Threads { get; }

    private ParallelOptions Options { get; }

    public string Name => $"cpu ({typeof(T).Name.ToLowerInvariant()})";

    public Tensor<T> Allocate(params int[] shape) => new CpuTensor<T>(new T[Tensor<T>.ShapeLength(shape)], 0, shape);

    public Tensor<int> AllocateInts(int length) => new CpuTensor<int>(new int[length], 0, [length]);

    public Tensor<T> View(Tensor<T> source, int offset, params int[] shape)
    {
        var s = Cpu(source);
        int length = Tensor<T>.ShapeLength(shape);
        if (offset < 0 || offset + length > s.Length)
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"view [{offset}, {offset + length}) outside a tensor of {s.Length}"
            );
        return new CpuTensor<T>(s.Array, s.Offset + offset, shape);
    }

    public void Upload(ReadOnlySpan<T> source, Tensor<T> destination) => source.CopyTo(Span(destination));

    public void Upload(ReadOnlySpan<int> source, Tensor<int> destination) =>
        source.CopyTo(((CpuTensor<int>)destination).Span);

    public void Download(Tensor<T> source, Span<T> destination) => Span(source).CopyTo(destination);

    public void Fill(Tensor<T> x, T value) => Span(x).Fill(value);

    /// <summary>Accumulated in double, like the kernel: a float sum over the ~10⁶ gradients of a model loses
    /// digits.</summary>
    public double SumOfSquares(Tensor<T> x)
    {
        double sum = 0;
        foreach (var v in Span(x))
        {
            double d = double.CreateChecked(v);
            sum += d * d;
        }
        return sum;
    }

    public void Scale(Tensor<T> x, T factor) => TensorPrimitives.Multiply(Span(x), factor, Span(x));

    public void Synchronize() { }

    public void Dispose() { }

    private static CpuTensor<T> Cpu(Tensor<T> t) =>
        t as CpuTensor<T> ?? throw new ArgumentException($"{t} does not belong to the CPU backend");

    private static Span<T> Span(Tensor<T> t) => Cpu(t).Span;

    private static ReadOnlySpan<int> Ints(Tensor<int> t) => ((CpuTensor<int>)t).Span;

    private static T Sigmoid(T x) => T.One / (T.One + T.Exp(-x));

    private static void CheckLength(Tensor<T> t, int expected, string what)
    {
        if (t.Length != expected)
            throw new ArgumentException($"{what}: expected {expected} elements, got {t.Length} ({t})");
    }
}
