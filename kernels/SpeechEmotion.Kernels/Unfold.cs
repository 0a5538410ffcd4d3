using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Unfold (im2col) of a convolution over time or time × bands (UnfoldShape). Forward: one thread per element of cols
// [B,T,P·Cin·Kf·Kt] gathers x[b, t + k − Kt/2, Feature(c, p·S + j − Kf/2)] or 0. Backward: one thread per element of
// dx [B,T,F] gathers the column entries it was copied to (band positions p with p·S = q − j + Kf/2): no atomics, each
// output written once. Pure data movement: bytes ≈ 8·|cols|, no FLOPs to speak of.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, UnfoldShape>? _unfold,
        _unfoldBackward;

    public void Unfold(Tensor<float> x, Tensor<int> lengths, UnfoldShape shape, Tensor<float> cols)
    {
        int width = x.Dim(-1),
            steps = x.Length / (lengths.Length * width);
        CheckUnfold(shape, width, cols, lengths.Length * steps * shape.FrameColumns(width));
        _unfold ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int,
            UnfoldShape
        >(UnfoldKernel);
        _unfold(cols.Length, D(x), D(lengths), D(cols), steps, width, shape);
    }

    public void UnfoldBackward(Tensor<float> dCols, Tensor<int> lengths, UnfoldShape shape, Tensor<float> dx)
    {
        int width = dx.Dim(-1),
            steps = dx.Length / (lengths.Length * width);
        CheckUnfold(shape, width, dCols, lengths.Length * steps * shape.FrameColumns(width));
        _unfoldBackward ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            int,
            int,
            UnfoldShape
        >(UnfoldBackwardKernel);
        _unfoldBackward(dx.Length, D(dCols), D(lengths), D(dx), steps, width, shape);
    }

    private static void CheckUnfold(UnfoldShape shape, int width, Tensor<float> cols, int expected)
    {
        shape.Validate(width);
        if (cols.Length != expected)
            throw new ArgumentException($"unfold columns: expected {expected} elements, got {cols.Length} ({cols})");
    }

    private static void UnfoldKernel(
        Index1D i,
        ArrayView<float> x,
        ArrayView<int> lengths,
        ArrayView<float> cols,
        int steps,
        int width,
        UnfoldShape s
    )
    {
        int frameCols = s.FrameColumns(width),
            colWidth = s.ColumnWidth(width);
        int row = i / frameCols,
            r = i % frameCols,
            p = r / colWidth,
            e = r % colWidth;
        int k = e % s.Kernel,
            j = e / s.Kernel % s.BandKernel,
            c = e / (s.Kernel * s.BandKernel);
        int b = row / steps,
            t = row % steps,
            len = lengths[b],
            src = t + k - s.Kernel / 2;
        int band = s.BandAt(p, j);
        cols[i] =
            t < len && src >= 0 && src < len && band >= 0 && band < s.Bands
                ? x[(b * steps + src) * width + s.Feature(c, band, width)]
                : 0f;
    }

    private static void UnfoldBackwardKernel(
        Index1D i,
        ArrayView<float> dCols,
        ArrayView<int> lengths,
        ArrayView<float> dx,
        int steps,
        int width,
        UnfoldShape s
    )
    {
        int frameCols = s.FrameColumns(width),
            colWidth = s.ColumnWidth(width);
        int row = i / width,
            f = i % width,
            c = s.ChannelOf(f, width),
            q = s.BandOf(f, width),
            b = row / steps,
            src = row % steps,
            len = lengths[b];
        float sum = 0;
        if (src < len)
            for (int j = 0; j < s.BandKernel; j++)
            {
                int p = s.PositionReading(q, j);
                if (p < 0)
                    continue;
                for (int k = 0; k < s.Kernel; k++)
                {
                    int t = src - k + s.Kernel / 2;
                    if (t >= 0 && t < len)
                        sum += dCols[
                            (b * steps + t) * frameCols + p * colWidth + (c * s.BandKernel + j) * s.Kernel + k
                        ];
                }
            }
        dx[i] = sum;
    }
}
