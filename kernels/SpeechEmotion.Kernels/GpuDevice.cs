using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace SpeechEmotion.Kernels;

/// <summary>
/// An ILGPU context and accelerator chosen by name: "cuda" / "cuda:N" (NVIDIA GPU N) or "ilgpu-cpu" (ILGPU's CPU
/// accelerator with the Nvidia preset: warp 32, groups up to 1024 threads, so kernels see GPU-like shapes in tests).
/// </summary>
public sealed class GpuDevice : IDisposable
{
    public Context Context { get; }
    public Accelerator Accelerator { get; }
    public string Name { get; }

    private GpuDevice(Context context, Accelerator accelerator, string name)
    {
        Context = context;
        Accelerator = accelerator;
        Name = name;
    }

    public static GpuDevice Create(string spec)
    {
        CudaDriver.Register();
        if (spec == "ilgpu-cpu")
        {
            var context = Context.Create(b => b.CPU(CPUDeviceKind.Nvidia).EnableAlgorithms());
            return new GpuDevice(context, context.GetCPUDevice(0).CreateAccelerator(context), spec);
        }
        if (spec == "cuda" || spec.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = spec == "cuda" ? 0 : ParseIndex(spec);
            var context = Context.Create(b => b.Cuda().EnableAlgorithms());
            var devices = context.GetCudaDevices();
            if (index >= devices.Count)
            {
                context.Dispose();
                throw new InvalidOperationException(
                    devices.Count == 0
                        ? "no CUDA device found (is the NVIDIA driver installed?)"
                        : $"CUDA device {index} requested but only {devices.Count} present"
                );
            }
            return new GpuDevice(context, devices[index].CreateAccelerator(context), spec);
        }
        throw new ArgumentException($"unknown device '{spec}' (expected cuda, cuda:N or ilgpu-cpu)");
    }

    /// <summary>Whether a CUDA device can be opened here (false without a driver, never throws).</summary>
    public static bool CudaAvailable()
    {
        CudaDriver.Register();
        try
        {
            using var context = Context.Create(b => b.Cuda());
            return context.GetCudaDevices().Count > 0;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static int ParseIndex(string spec) =>
        int.TryParse(spec.AsSpan(5), out int i) && i >= 0
            ? i
            : throw new ArgumentException($"bad device '{spec}': expected cuda:N");

    public void Dispose()
    {
        Accelerator.Dispose();
        Context.Dispose();
    }
}
