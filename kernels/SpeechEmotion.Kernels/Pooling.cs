using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Masked mean pooling. Forward: one thread per (b, e) sums its valid frames, FLOPs ≈ B·T·E, bytes ≈ 4·B·T·E.
// Backward: dx[b, t] = dy[b] / len_b for t < len_b, else 0; one thread per element of dx.
// Statistics pooling: the same threads read their column twice (mean, then squared deviations) and write μ and σ;
// backward dx_t = dμ / L + dσ ⊙ (x_t − μ) / (L σ) for t
// < L (formulas in CpuBackend.Pooling.cs), one thread per element.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int>? _pool,
        _poolBackward,
        _statsPool;
    private Action<
        Index1D,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<int>,
        ArrayView<float>,
        int,
        int
    >? _statsPoolBackward;

    public void MaskedMeanPool(Tensor<float> x, Tensor<int> lengths, Tensor<float> y)
    {
        int width = y.Dim(-1),
            steps = x.Length / (lengths.Length * width);
        _pool ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int
        >(PoolKernel);
        _pool(y.Length, D(x), D(lengths), D(y), steps, width);
    }

    public void MaskedMeanPoolBackward(Tensor<float> dy, Tensor<int> lengths, Tensor<float> dx)
    {
        int width = dy.Dim(-1),
            steps = dx.Length / (lengths.Length * width);
        _poolBackward ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int
        >(PoolBackwardKernel);
        _poolBackward(dx.Length, D(dy), D(lengths), D(dx), steps, width);
    }

    public void StatisticsPool(Tensor<float> x, Tensor<int> lengths, Tensor<float> y)
    {
        int width = y.Dim(-1) / 2,
            steps = x.Length / (lengths.Length * width);
        _statsPool ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int
        >(StatisticsPoolKernel);
        _statsPool(lengths.Length * width, D(x), D(lengths), D(y), steps, width);
    }

    public void StatisticsPoolBackward(
        Tensor<float> dy,
        Tensor<float> x,
        Tensor<float> y,
        Tensor<int> lengths,
        Tensor<float> dx
    )
    {
        int width = dy.Dim(-1) / 2,
            steps = dx.Length / (lengths.Length * width);
        _statsPoolBackward ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int
        >(StatisticsPoolBackwardKernel);
        _statsPoolBackward(dx.Length, D(dy), D(x), D(y), D(lengths), D(dx), steps, width);
    }

    private static void PoolKernel(
        Index1D i,
        ArrayView<float> x,
        ArrayView<int> lengths,
        ArrayView<float> y,
        int steps,
        int width
    )
    {
        int b = i / width,
            e = i % width,
            len = lengths[b];
        float sum = 0;
        for (int t = 0; t < len; t++)
            sum += x[(b * steps + t) * width + e];
        y[i] = sum / len;
    }

    private static void PoolBackwardKernel(
        Index1D i,
        ArrayView<float> dy,
        ArrayView<int> lengths,
        ArrayView<float> dx,
        int steps,
        int width
    )
    {
        int b = i / (steps * width),
            t = i / width % steps,
            e = i % width,
            len = lengths[b];
        dx[i] = t < len ? dy[b * width + e] / len : 0f;
    }

    private static void StatisticsPoolKernel(
        Index1D i,
        ArrayView<float> x,
        ArrayView<int> lengths,
        ArrayView<float> y,
        int steps,
        int width
    )
    {
        int b = i / width,
            e = i % width,
            len = lengths[b];
        float sum = 0;
        for (int t = 0; t < len; t++)
            sum += x[(b * steps + t) * width + e];
        float mean = sum / len,
            squares = 0;
        for (int t = 0; t < len; t++)
        {
            float d = x[(b * steps + t) * width + e] - mean;
            squares += d * d;
        }
        y[2 * b * width + e] = mean;
        y[(2 * b + 1) * width + e] = XMath.Sqrt(squares / len + StatisticsPooling.Epsilon);
    }

    private static void StatisticsPoolBackwardKernel(
        Index1D i,
        ArrayView<float> dy,
        ArrayView<float> x,
        ArrayView<float> y,
        ArrayView<int> lengths,
        ArrayView<float> dx,
        int steps,
        int width
    )
    {
        int b = i / (steps * width),
            t = i / width % steps,
            e = i % width,
            len = lengths[b];
        int mean = 2 * b * width + e,
            std = mean + width;
        dx[i] = t < len ? (dy[mean] + dy[std] * (x[i] - y[mean]) / y[std]) / len : 0f;
    }
}
