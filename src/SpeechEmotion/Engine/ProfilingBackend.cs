using System.Diagnostics;
using System.Numerics;

namespace SpeechEmotion.Engine;

/// <summary>
/// A backend that forwards every op to an inner backend and times it, synchronising before and after so that an
/// asynchronous device's kernel time lands on the op that queued it (launch overhead included, which is what a
/// performance engineer wants to see next to the kernel). Used by `ser bench --profile`; slows the step it measures.
/// Memory ops (allocate, upload, download, fill) are timed under their own names too; GEMMs under their shape
/// ("Gemm:MxNxK:NT", N/T = whether A/B are transposed).
/// </summary>
public sealed class ProfilingBackend<T>(IBackend<T> inner) : IBackend<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Dictionary<string, (int Calls, double Milliseconds)> _ops = [];

    public string Name => inner.Name;

    /// <summary>Per op: number of calls and total milliseconds since the last <see cref="Reset"/>.</summary>
    public IReadOnlyDictionary<string, (int Calls, double Milliseconds)> Ops => _ops;

    public void Reset() => _ops.Clear();

    private TResult Time<TResult>(string op, Func<TResult> action)
    {
        inner.Synchronize();
        long start = Stopwatch.GetTimestamp();
        var result = action();
        inner.Synchronize();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var (calls, total) = _ops.GetValueOrDefault(op);
        _ops[op] = (calls + 1, total + ms);
        return result;
    }

    private void Time(string op, Action action) =>
        Time(
            op,
            () =>
            {
                action();
                return 0;
            }
        );

    public Tensor<T> Allocate(params int[] shape) => Time(nameof(Allocate), () => inner.Allocate(shape));

    public Tensor<int> AllocateInts(int length) => Time(nameof(Allocate), () => inner.AllocateInts(length));

    public Tensor<T> View(Tensor<T> source, int offset, params int[] shape) => inner.View(source, offset, shape);

    public void Upload(ReadOnlySpan<T> source, Tensor<T> destination)
    {
        var copy = source.ToArray();
        Time(nameof(Upload), () => inner.Upload(copy, destination));
    }

    public void Upload(ReadOnlySpan<int> source, Tensor<int> destination)
    {
        var copy = source.ToArray();
        Time(nameof(Upload), () => inner.Upload(copy, destination));
    }

    public void Download(Tensor<T> source, Span<T> destination)
    {
        var host = new T[destination.Length];
        Time(nameof(Download), () => inner.Download(source, host));
        host.CopyTo(destination);
    }

    public void Synchronize() => inner.Synchronize();

    public void Fill(Tensor<T> x, T value) => Time(nameof(Fill), () => inner.Fill(x, value));

    public void Gemm(
        Tensor<T> a,
        bool transA,
        Tensor<T> b,
        bool transB,
        Tensor<T> c,
        int m,
        int n,
        int k,
        T alpha,
        T beta
    ) =>
        Time(
            $"Gemm:{m}x{n}x{k}:{(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')}",
            () => inner.Gemm(a, transA, b, transB, c, m, n, k, alpha, beta)
        );

    public void AddBias(Tensor<T> x, Tensor<T> bias) => Time(nameof(AddBias), () => inner.AddBias(x, bias));

    public void BiasGrad(Tensor<T> dy, Tensor<T> dBias) => Time(nameof(BiasGrad), () => inner.BiasGrad(dy, dBias));

    public void Relu(Tensor<T> x, Tensor<T> y) => Time(nameof(Relu), () => inner.Relu(x, y));

    public void ReluBackward(Tensor<T> y, Tensor<T> dy, Tensor<T> dx) =>
        Time(nameof(ReluBackward), () => inner.ReluBackward(y, dy, dx));

    public void Dropout(Tensor<T> x, Tensor<T> y, DropoutSpec spec) =>
        Time(nameof(Dropout), () => inner.Dropout(x, y, spec));

    public void DropoutBackward(Tensor<T> dy, Tensor<T> dx, DropoutSpec spec) =>
        Time(nameof(DropoutBackward), () => inner.DropoutBackward(dy, dx, spec));

    public void GruForward(IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths, Tensor<T> output) =>
        Time(nameof(GruForward), () => inner.GruForward(directions, lengths, output));

    public void GruBackward(Tensor<T> dOutput, IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths) =>
        Time(nameof(GruBackward), () => inner.GruBackward(dOutput, directions, lengths));

    public void AttentionForward(
        Tensor<T> qkv,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> probs,
        Tensor<T> context
    ) => Time(nameof(AttentionForward), () => inner.AttentionForward(qkv, lengths, heads, dropout, probs, context));

    public void AttentionBackward(
        Tensor<T> dContext,
        Tensor<T> qkv,
        Tensor<T> probs,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> dQkv
    ) =>
        Time(
            nameof(AttentionBackward),
            () => inner.AttentionBackward(dContext, qkv, probs, lengths, heads, dropout, dQkv)
        );

    public void Unfold(Tensor<T> x, Tensor<int> lengths, UnfoldShape shape, Tensor<T> cols) =>
        Time(nameof(Unfold), () => inner.Unfold(x, lengths, shape, cols));

    public void UnfoldBackward(Tensor<T> dCols, Tensor<int> lengths, UnfoldShape shape, Tensor<T> dx) =>
        Time(nameof(UnfoldBackward), () => inner.UnfoldBackward(dCols, lengths, shape, dx));

    public void MaskedMeanPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y) =>
        Time(nameof(MaskedMeanPool), () => inner.MaskedMeanPool(x, lengths, y));

    public void MaskedMeanPoolBackward(Tensor<T> dy, Tensor<int> lengths, Tensor<T> dx) =>
        Time(nameof(MaskedMeanPoolBackward), () => inner.MaskedMeanPoolBackward(dy, lengths, dx));

    public void CopyColumns(Tensor<T> src, int srcOffset, Tensor<T> dst, int dstOffset, int width) =>
        Time(nameof(CopyColumns), () => inner.CopyColumns(src, srcOffset, dst, dstOffset, width));

    public void StatisticsPool(Tensor<T> x, Tensor<int> lengths, Tensor<T> y) =>
        Time(nameof(StatisticsPool), () => inner.StatisticsPool(x, lengths, y));

    public void StatisticsPoolBackward(Tensor<T> dy, Tensor<T> x, Tensor<T> y, Tensor<int> lengths, Tensor<T> dx) =>
        Time(nameof(StatisticsPoolBackward), () => inner.StatisticsPoolBackward(dy, x, y, lengths, dx));

    public double SoftmaxLoss(
        Tensor<T> logits,
        Tensor<int> targets,
        Tensor<T>? weights,
        Tensor<int>? classMask,
        LossKind kind,
        Tensor<T> probs,
        Tensor<T> dLogits
    ) => Time(nameof(SoftmaxLoss), () => inner.SoftmaxLoss(logits, targets, weights, classMask, kind, probs, dLogits));

    public double RegressionLoss(
        Tensor<T> outputs,
        Tensor<T> targets,
        double range,
        Tensor<T> predictions,
        Tensor<T> dOutputs
    ) => Time(nameof(RegressionLoss), () => inner.RegressionLoss(outputs, targets, range, predictions, dOutputs));

    public double SumOfSquares(Tensor<T> x) => Time(nameof(SumOfSquares), () => inner.SumOfSquares(x));

    public void Scale(Tensor<T> x, T factor) => Time(nameof(Scale), () => inner.Scale(x, factor));

    public void AdamStep(
        Tensor<T> values,
        Tensor<T> grads,
        Tensor<T> m,
        Tensor<T> v,
        AdamSettings settings,
        int step
    ) => Time(nameof(AdamStep), () => inner.AdamStep(values, grads, m, v, settings, step));

    public void Dispose() => inner.Dispose();
}
