using System.Runtime.InteropServices;
using ILGPU;

namespace SpeechEmotion.Kernels;

/// <summary>
/// ILGPU imports the CUDA driver as "cuda", which .NET probes as libcuda.so, the development link; driver-only installs
/// (containers, minimal images) ship just the runtime name libcuda.so.1. This resolver falls back to it.
/// </summary>
internal static class CudaDriver
{
    private static readonly Lazy<bool> Registered = new(() =>
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(Context).Assembly, Resolve);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // ILGPU or the host set a resolver already; keep theirs.
        }
    });

    /// <summary>Installs the resolver once, before ILGPU first touches the driver.</summary>
    public static void Register() => _ = Registered.Value;

    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != "cuda" || !OperatingSystem.IsLinux()) return IntPtr.Zero;
        return NativeLibrary.TryLoad("libcuda.so", assembly, path, out var handle)
            || NativeLibrary.TryLoad("libcuda.so.1", assembly, path, out handle) ? handle : IntPtr.Zero;
    }
}
