using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

public readonly record struct ColumnCopyArgs(int SrcWidth, int SrcOffset, int DstWidth, int DstOffset, int Width);

// Column copy (concatenation and its gradient): one thread per copied element, bytes ≈ 8 per element.
public sealed partial class IlgpuBackend
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ColumnCopyArgs>? _copyColumns;

    public void CopyColumns(Tensor<float> src, int srcOffset, Tensor<float> dst, int dstOffset, int width)
    {
        int rows = ColumnCopy.Rows(src, srcOffset, dst, dstOffset, width);
        if (rows * width == 0)
            return;
        _copyColumns ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ColumnCopyArgs
        >(CopyColumnsKernel);
        _copyColumns(
            rows * width,
            D(src),
            D(dst),
            new ColumnCopyArgs(src.Dim(-1), srcOffset, dst.Dim(-1), dstOffset, width)
        );
    }

    private static void CopyColumnsKernel(Index1D i, ArrayView<float> src, ArrayView<float> dst, ColumnCopyArgs a)
    {
        int r = i / a.Width,
            j = i % a.Width;
        dst[r * a.DstWidth + a.DstOffset + j] = src[r * a.SrcWidth + a.SrcOffset + j];
    }
}
