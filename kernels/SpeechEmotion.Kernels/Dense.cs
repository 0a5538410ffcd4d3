using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Element-wise ops around the dense layers. Each is memory-bound: FLOPs ≈ elements, bytes ≈ 8–12 per element.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? _addBias,
        _biasGradFinish;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _biasGradPartial;

    /// <summary>Rows one group of the column-sum kernel covers at most (more groups when rows are many).</summary>
    private const int BiasGradRowsPerGroup = 128;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _relu;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? _reluBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, DropoutSpec>? _dropout;
    private Action<Index1D, ArrayView<float>, float>? _fill,
        _scale;

    public void AddBias(Tensor<float> x, Tensor<float> bias)
    {
        _addBias ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(
            AddBiasKernel
        );
        _addBias(x.Length, D(x), D(bias), bias.Length);
    }

    // dBias[j] += Σ_r dy[r, j]. Rows are many (B·T) and columns few, so the rows are cut into blocks: each group sums
    // 32 columns over one row block (8 warps over its rows, coalesced along the columns, a fixed-order shared-memory
    // reduction) into a partial row, and a second kernel adds the partial rows in order (deterministic, no atomics).
    public void BiasGrad(Tensor<float> dy, Tensor<float> dBias)
    {
        int width = dBias.Length,
            rows = dy.Length / width,
            blocks = GroupsFor(rows, BiasGradRowsPerGroup);
        var partial = Scratch("bias-grad", blocks * width);
        _biasGradPartial ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(
            BiasGradPartialKernel
        );
        _biasGradFinish ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(
            BiasGradFinishKernel
        );
        _biasGradPartial(
            new KernelConfig(new Index2D(GroupsFor(width, Warp), blocks), new Index2D(Warp, 8)),
            D(dy),
            partial.Data,
            width,
            rows
        );
        _biasGradFinish(width, partial.Data, D(dBias), blocks);
    }

    public void Relu(Tensor<float> x, Tensor<float> y)
    {
        _relu ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ReluKernel);
        _relu(x.Length, D(x), D(y));
    }

    // dx = dy · [y > 0]
    public void ReluBackward(Tensor<float> y, Tensor<float> dy, Tensor<float> dx)
    {
        _reluBackward ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>
        >(ReluBackwardKernel);
        _reluBackward(y.Length, D(y), D(dy), D(dx));
    }

    public void Dropout(Tensor<float> x, Tensor<float> y, DropoutSpec spec)
    {
        _dropout ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, DropoutSpec>(
            DropoutKernel
        );
        _dropout(x.Length, D(x), D(y), spec);
    }

    // y = x·m_i, so dx = dy·m_i with the same counter-based mask m.
    public void DropoutBackward(Tensor<float> dy, Tensor<float> dx, DropoutSpec spec) => Dropout(dy, dx, spec);

    public void Fill(Tensor<float> x, float value)
    {
        if (x.Length == 0)
            return;
        _fill ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernel);
        _fill(x.Length, D(x), value);
    }

    public void Scale(Tensor<float> x, float factor)
    {
        _scale ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ScaleKernel);
        _scale(x.Length, D(x), factor);
    }

    private static void AddBiasKernel(Index1D i, ArrayView<float> x, ArrayView<float> bias, int width) =>
        x[i] += bias[i % width];

    private static void BiasGradPartialKernel(ArrayView<float> dy, ArrayView<float> partial, int width, int rows)
    {
        var sums = SharedMemory.Allocate<float>(8 * Warp);
        int col = Grid.IdxX * Warp + Group.IdxX,
            block = Grid.IdxY;
        int end = XMath.Min(rows, (block + 1) * BiasGradRowsPerGroup);
        float sum = 0f;
        if (col < width)
            for (int r = block * BiasGradRowsPerGroup + Group.IdxY; r < end; r += 8)
                sum += dy[r * width + col];
        sums[Group.IdxY * Warp + Group.IdxX] = sum;
        Group.Barrier();
        if (Group.IdxY == 0 && col < width)
        {
            for (int w = 1; w < 8; w++)
                sum += sums[w * Warp + Group.IdxX];
            partial[block * width + col] = sum;
        }
    }

    private static void BiasGradFinishKernel(Index1D j, ArrayView<float> partial, ArrayView<float> dBias, int blocks)
    {
        int width = (int)dBias.Length;
        float sum = 0f;
        for (int block = 0; block < blocks; block++)
            sum += partial[block * width + j];
        dBias[j] += sum;
    }

    private static void ReluKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = x[i] > 0f ? x[i] : 0f;

    private static void ReluBackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx) =>
        dx[i] = y[i] > 0f ? dy[i] : 0f;

    private static void DropoutKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, DropoutSpec spec) =>
        y[i] = spec.P > 0f ? x[i] * Philox.Keep(spec, i) : x[i];

    private static void FillKernel(Index1D i, ArrayView<float> x, float value) => x[i] = value;

    private static void ScaleKernel(Index1D i, ArrayView<float> x, float factor) => x[i] *= factor;
}
