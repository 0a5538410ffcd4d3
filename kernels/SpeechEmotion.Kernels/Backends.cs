using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Kernels;

/// <summary>
/// Turns a --device value into a float backend: "cpu" (CPU reference), "cuda" / "cuda:N" (ILGPU CUDA accelerator),
/// "ilgpu-cpu" (ILGPU's CPU accelerator, for tests and kernel debugging), "auto" (the first CUDA device, else cpu).
/// </summary>
public static class Backends
{
    public const string Help = "auto | cpu | cuda | cuda:N | ilgpu-cpu";

    /// <summary>Makes "cuda", "cuda:N" and "ilgpu-cpu" available to <see cref="Devices"/> (and so to the
    /// recognizer).</summary>
    public static void Register()
    {
        Devices.Register(
            "cuda",
            name => GpuDevice.CudaAvailable() ? Create(name) : throw new InvalidOperationException("no CUDA device")
        );
        Devices.Register("ilgpu-cpu", Create);
    }

    public static IBackend<float> Create(string device)
    {
        string resolved = Resolve(device);
        return resolved == "cpu"
            ? new CpuBackend<float>()
            : new IlgpuBackend(GpuDevice.Create(resolved), ownsDevice: true);
    }

    /// <summary>"auto" becomes "cuda" when a CUDA device opens, else "cpu"; other names pass through after a
    /// check.</summary>
    public static string Resolve(string device) =>
        device switch
        {
            "auto" => GpuDevice.CudaAvailable() ? "cuda" : "cpu",
            "cpu" or "ilgpu-cpu" or "cuda" => device,
            _ when device.StartsWith("cuda:", StringComparison.Ordinal) => device,
            _ => throw new ArgumentException($"unknown device '{device}' (expected {Help})"),
        };
}
