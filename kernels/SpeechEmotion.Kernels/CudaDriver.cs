using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace SpeechEmotion.Kernels;

/// <summary>
/// The two CUDA driver calls ILGPU does not make, and the driver's name. ILGPU imports the driver as "cuda", which
/// .NET probes as libcuda.so, the development link; driver-only installs (containers, minimal images) ship just the
/// runtime name libcuda.so.1, so the resolver falls back to it (nvcuda.dll on Windows for our own imports).
/// </summary>
internal static class CudaDriver
{
    private const int MaxDynamicSharedSizeBytes = 8; // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES
    private const int MaxSharedMemoryPerBlockOptIn = 97; // CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN

    [DllImport("cuda")]
    private static extern int cuFuncSetAttribute(IntPtr function, int attribute, int value);

    [DllImport("cuda")]
    private static extern int cuDeviceGetAttribute(out int value, int attribute, int device);

    /// <summary>Shared memory one group may use on this device once a kernel opts in (227 KiB on Hopper).</summary>
    public static int SharedMemoryPerGroupOptIn(CudaAccelerator accelerator)
    {
        int status = cuDeviceGetAttribute(out int bytes, MaxSharedMemoryPerBlockOptIn, accelerator.DeviceId);
        return status == 0 ? bytes : accelerator.MaxSharedMemoryPerGroup;
    }

    /// <summary>Lets a loaded CUDA kernel launch with up to <paramref name="bytes"/> of dynamic shared memory (the
    /// driver refuses more than 48 KiB without this); other accelerators need nothing.</summary>
    public static void AllowDynamicSharedMemory(Delegate kernel, int bytes)
    {
        if (kernel.GetKernel() is not CudaKernel cuda || bytes <= 48 * 1024)
            return;
        int status = cuFuncSetAttribute(cuda.FunctionPtr, MaxDynamicSharedSizeBytes, bytes);
        if (status != 0)
            throw new InvalidOperationException(
                $"CUDA refused {bytes} bytes of dynamic shared memory for a kernel (error {status})"
            );
    }

    private static readonly Lazy<bool> Registered = new(() =>
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(CudaDriver).Assembly, Resolve);
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
        if (name != "cuda")
            return IntPtr.Zero;
        if (OperatingSystem.IsWindows())
            return NativeLibrary.TryLoad("nvcuda.dll", assembly, path, out var nv) ? nv : IntPtr.Zero;
        return
            NativeLibrary.TryLoad("libcuda.so", assembly, path, out var handle)
            || NativeLibrary.TryLoad("libcuda.so.1", assembly, path, out handle)
            ? handle
            : IntPtr.Zero;
    }
}
