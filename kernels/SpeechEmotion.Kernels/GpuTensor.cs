using ILGPU;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>A tensor in accelerator memory: a view, plus the buffer it owns when it is not a view of another
/// tensor.</summary>
public sealed class GpuTensor<U> : Tensor<U>
    where U : unmanaged
{
    private readonly MemoryBuffer1D<U, Stride1D.Dense>? _owned;

    internal GpuTensor(MemoryBuffer1D<U, Stride1D.Dense>? owned, ArrayView1D<U, Stride1D.Dense> view, int[] shape)
        : base(shape)
    {
        _owned = owned;
        View = view;
    }

    public ArrayView1D<U, Stride1D.Dense> View { get; }

    /// <summary>The contiguous view kernels take.</summary>
    public ArrayView<U> Data => View;

    public override void Dispose()
    {
        _owned?.Dispose();
        base.Dispose();
    }
}
