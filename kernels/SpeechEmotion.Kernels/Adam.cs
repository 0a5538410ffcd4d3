using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Per-launch constants of the fused Adam update.</summary>
public readonly record struct AdamArgs(
    float LearningRate,
    float Beta1,
    float Beta2,
    float Epsilon,
    float Decay,
    float Correction1,
    float Correction2
);

public sealed partial class IlgpuBackend
{
    private const int ReductionThreads = 256 * 64;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? _adam;
    private Action<Index1D, ArrayView<float>, ArrayView<double>, int>? _sumSquares;
    private MemoryBuffer1D<double, Stride1D.Dense>? _reduction;

    // One kernel over the whole parameter arena (formulas as CpuBackend.Adam.cs); FLOPs and bytes: the op adam.
    public void AdamStep(
        Tensor<float> values,
        Tensor<float> grads,
        Tensor<float> m,
        Tensor<float> v,
        AdamSettings s,
        int step
    )
    {
        _adam ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            AdamArgs
        >(AdamKernel);
        var args = new AdamArgs(
            (float)s.LearningRate,
            (float)s.Beta1,
            (float)s.Beta2,
            (float)s.Epsilon,
            (float)(1 - s.LearningRate * s.WeightDecay),
            (float)(1 - Math.Pow(s.Beta1, step)),
            (float)(1 - Math.Pow(s.Beta2, step))
        );
        _adam(values.Length, D(values), D(grads), D(m), D(v), args);
    }

    // Σ x²: a grid-stride loop per thread, accumulated in double with one atomic add per thread; one 8-byte download.
    public double SumOfSquares(Tensor<float> x)
    {
        _sumSquares ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<double>, int>(
            SumOfSquaresKernel
        );
        _reduction ??= Accelerator.Allocate1D<double>(1);
        _reduction.MemSetToZero(Stream);
        _sumSquares(Math.Min(ReductionThreads, Math.Max(x.Length, 1)), D(x), _reduction.View, x.Length);
        var result = new double[1];
        _reduction.View.CopyToCPU(Stream, result);
        Stream.Synchronize();
        return result[0];
    }

    private static void AdamKernel(
        Index1D i,
        ArrayView<float> theta,
        ArrayView<float> g,
        ArrayView<float> m,
        ArrayView<float> v,
        AdamArgs a
    )
    {
        float gi = g[i];
        float mi = a.Beta1 * m[i] + (1f - a.Beta1) * gi;
        float vi = a.Beta2 * v[i] + (1f - a.Beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        theta[i] =
            theta[i] * a.Decay - a.LearningRate * (mi / a.Correction1) / (XMath.Sqrt(vi / a.Correction2) + a.Epsilon);
    }

    private static void SumOfSquaresKernel(Index1D i, ArrayView<float> x, ArrayView<double> sum, int length)
    {
        double local = 0;
        for (int k = i; k < length; k += ReductionThreads)
            local += (double)x[k] * x[k];
        Atomic.Add(ref sum[0], local);
    }
}
