namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    public void CopyColumns(Tensor<T> src, int srcOffset, Tensor<T> dst, int dstOffset, int width)
    {
        int rows = ColumnCopy.Rows(src, srcOffset, dst, dstOffset, width),
            srcWidth = src.Dim(-1),
            dstWidth = dst.Dim(-1);
        var from = Span(src);
        var to = Span(dst);
        for (int r = 0; r < rows; r++)
            from.Slice(r * srcWidth + srcOffset, width).CopyTo(to.Slice(r * dstWidth + dstOffset, width));
    }
}
