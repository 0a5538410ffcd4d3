using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Time unfold (im2col) of a temporal convolution. Forward: one thread per element of cols [B,T,F·K] gathers
// x[b, t + k − K/2, f] or 0. Backward: one thread per element of dx [B,T,F] gathers
// dx[b, s, f] = Σ_k dCols[b, s − k + K/2, f·K + k] over valid rows: no atomics, each output written once.
// Pure data movement: bytes ≈ 8·B·T·F·K, no FLOPs to speak of.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>? _unfold, _unfoldBackward;

    public void Unfold(Tensor<float> x, Tensor<int> lengths, int kernel, Tensor<float> cols)
    {
        int width = x.Dim(-1), steps = x.Length / (lengths.Length * width);
        CheckUnfold(kernel, cols, x.Length * kernel);
        _unfold ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(UnfoldKernel);
        _unfold(cols.Length, D(x), D(lengths), D(cols), steps, width, kernel);
    }

    public void UnfoldBackward(Tensor<float> dCols, Tensor<int> lengths, int kernel, Tensor<float> dx)
    {
        int width = dx.Dim(-1), steps = dx.Length / (lengths.Length * width);
        CheckUnfold(kernel, dCols, dx.Length * kernel);
        _unfoldBackward ??= Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(UnfoldBackwardKernel);
        _unfoldBackward(dx.Length, D(dCols), D(lengths), D(dx), steps, width, kernel);
    }

    private static void CheckUnfold(int kernel, Tensor<float> cols, int expected)
    {
        if (kernel < 1 || kernel % 2 == 0) throw new ArgumentException($"unfold kernel must be odd and positive, got {kernel}");
        if (cols.Length != expected) throw new ArgumentException($"unfold columns: expected {expected} elements, got {cols.Length} ({cols})");
    }

    private static void UnfoldKernel(Index1D i, ArrayView<float> x, ArrayView<int> lengths, ArrayView<float> cols, int steps, int width, int kernel)
    {
        int row = i / (width * kernel), f = i / kernel % width, k = i % kernel;
        int b = row / steps, t = row % steps, len = lengths[b], s = t + k - kernel / 2;
        cols[i] = t < len && s >= 0 && s < len ? x[(b * steps + s) * width + f] : 0f;
    }

    private static void UnfoldBackwardKernel(Index1D i, ArrayView<float> dCols, ArrayView<int> lengths, ArrayView<float> dx, int steps, int width, int kernel)
    {
        int row = i / width, f = i % width, b = row / steps, s = row % steps, len = lengths[b];
        float sum = 0;
        if (s < len)
            for (int k = 0; k < kernel; k++)
            {
                int t = s - k + kernel / 2;
                if (t >= 0 && t < len) sum += dCols[((b * steps + t) * width + f) * kernel + k];
            }
        dx[i] = sum;
    }
}
