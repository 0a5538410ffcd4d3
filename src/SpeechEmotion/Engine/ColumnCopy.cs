namespace SpeechEmotion.Engine;

/// <summary>The shape rules of <see cref="IBackend{T}.CopyColumns"/>, shared by the CPU reference and the
/// kernels.</summary>
public static class ColumnCopy
{
    /// <summary>The row count; throws when the rows differ or a column range falls outside its tensor.</summary>
    public static int Rows<T>(Tensor<T> src, int srcOffset, Tensor<T> dst, int dstOffset, int width)
        where T : unmanaged
    {
        int srcWidth = src.Dim(-1),
            dstWidth = dst.Dim(-1),
            rows = src.Length / srcWidth;
        if (dst.Length / dstWidth != rows)
            throw new ArgumentException($"copy columns: {src} and {dst} have different row counts");
        if (width < 0 || srcOffset < 0 || dstOffset < 0 || srcOffset + width > srcWidth || dstOffset + width > dstWidth)
            throw new ArgumentException(
                $"copy columns: {width} columns from {srcOffset} of {src} to {dstOffset} of {dst} do not fit"
            );
        return rows;
    }
}
