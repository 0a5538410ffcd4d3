namespace SpeechEmotion.Engine.Cpu;

/// <summary>A host array segment.</summary>
public sealed class CpuTensor<U>(U[] array, int offset, int[] shape) : Tensor<U>(shape)
    where U : unmanaged
{
    public U[] Array { get; } = array;
    public int Offset { get; } = offset;
    public Span<U> Span => Array.AsSpan(Offset, Length);
}
