using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace SpeechEmotion.Kernels;

/// <summary>What ILGPU sees on this machine, for `ser doctor`.</summary>
public sealed record DeviceInfo(
    string Name,
    string Type,
    long MemoryBytes,
    int Multiprocessors,
    int WarpSize,
    int MaxThreadsPerGroup,
    string ComputeCapability
)
{
    public static IReadOnlyList<DeviceInfo> List()
    {
        CudaDriver.Register();
        using var context = Context.Create(b => b.AllAccelerators());
        return context
            .Devices.Select(d => new DeviceInfo(
                d.Name,
                d.AcceleratorType.ToString(),
                d.MemorySize,
                d.NumMultiprocessors,
                d.WarpSize,
                d.MaxNumThreadsPerGroup,
                d is CudaDevice cuda ? $"{cuda.Architecture}" : "-"
            ))
            .ToList();
    }
}
