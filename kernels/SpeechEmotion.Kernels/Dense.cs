using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Element-wise ops around the dense layers. Each is memory-bound: FLOPs ≈ elements, bytes ≈ 8–12 per element.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int>? _addBias, _biasGrad;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _relu;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? _reluBackward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, DropoutSpec>? _dropout;
    private Action<Index1D, ArrayView<float>, float>? _fill, _scale;

    public void AddBias(Tensor<float> x, Tensor<float> bias)
    {
        _addBias ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(AddBiasKernel);
        _addBias(x.Length, D(x), D(bias), bias.Length);
    }

    // dBias[j] += Σ_r dy[r, j]: one thread per column walks the rows (columns are few, rows many).
    public void BiasGrad(Tensor<float> dy, Tensor<float> dBias)
    {
        _biasGrad ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(BiasGradKernel);
        _biasGrad(dBias.Length, D(dy), D(dBias), dy.Length / dBias.Length);
    }

    public void Relu(Tensor<float> x, Tensor<float> y)
    {
        _relu ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ReluKernel);
        _relu(x.Length, D(x), D(y));
    }

    // dx = dy · [y > 0]
    public void ReluBackward(Tensor<float> y, Tensor<float> dy, Tensor<float> dx)
    {
        _reluBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ReluBackwardKernel);
        _reluBackward(y.Length, D(y), D(dy), D(dx));
    }

    public void Dropout(Tensor<float> x, Tensor<float> y, DropoutSpec spec)
    {
        _dropout ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, DropoutSpec>(DropoutKernel);
        _dropout(x.Length, D(x), D(y), spec);
    }

    // y = x·m_i, so dx = dy·m_i with the same counter-based mask m.
    public void DropoutBackward(Tensor<float> dy, Tensor<float> dx, DropoutSpec spec) => Dropout(dy, dx, spec);

    public void Fill(Tensor<float> x, float value)
    {
        if (x.Length == 0) return;
        _fill ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernel);
        _fill(x.Length, D(x), value);
    }

    public void Scale(Tensor<float> x, float factor)
    {
        _scale ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ScaleKernel);
        _scale(x.Length, D(x), factor);
    }

    private static void AddBiasKernel(Index1D i, ArrayView<float> x, ArrayView<float> bias, int width) => x[i] += bias[i % width];

    private static void BiasGradKernel(Index1D j, ArrayView<float> dy, ArrayView<float> dBias, int rows)
    {
        int width = (int)dBias.Length;
        float sum = 0;
        for (int r = 0; r < rows; r++) sum += dy[r * width + j];
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
