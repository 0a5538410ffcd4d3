using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>
/// The GPU backend: every op of <see cref="IBackend{T}"/> as a hand-written ILGPU kernel, all launched on the
/// accelerator's default stream with no host synchronisation inside a training step except the loss scalar
/// (<see cref="SoftmaxLoss"/>) and the gradient norm. One partial file per op family holds its kernels and launches;
/// kernels are compiled on first use.
/// </summary>
public sealed partial class IlgpuBackend : IBackend<float>
{
    private readonly GpuDevice? _ownedDevice;

    public IlgpuBackend(GpuDevice device, bool ownsDevice = false)
    {
        Accelerator = device.Accelerator;
        _ownedDevice = ownsDevice ? device : null;
        _deviceName = $"{device.Name} ({Accelerator.Name})";
        int shared = Accelerator is CudaAccelerator cuda
            ? CudaDriver.SharedMemoryPerGroupOptIn(cuda)
            : Accelerator.MaxSharedMemoryPerGroup;
        GruSharedWeightLimit = Math.Max(0, shared - GruStaticSharedBytes);
    }

    public Accelerator Accelerator { get; }
    private readonly string _deviceName;

    /// <summary>The device, and the GEMM precision when it is not fp32 (so reports that record the device record
    /// it).</summary>
    public string Name =>
        Precision == Precision.Fp32 ? _deviceName : $"{_deviceName}, {Precision.ToString().ToLowerInvariant()}";
    private AcceleratorStream Stream => Accelerator.DefaultStream;

    public Tensor<float> Allocate(params int[] shape) => AllocateOwned<float>(shape);

    public Tensor<int> AllocateInts(int length) => AllocateOwned<int>([length]);

    private GpuTensor<U> AllocateOwned<U>(int[] shape)
        where U : unmanaged
    {
        var buffer = Accelerator.Allocate1D<U>(Math.Max(Tensor<U>.ShapeLength(shape), 1));
        buffer.MemSetToZero(Stream);
        return new GpuTensor<U>(buffer, buffer.View.SubView(0, Tensor<U>.ShapeLength(shape)), shape);
    }

    public Tensor<float> View(Tensor<float> source, int offset, params int[] shape)
    {
        var g = Gpu(source);
        int length = Tensor<float>.ShapeLength(shape);
        if (offset < 0 || offset + length > g.Length)
            throw new ArgumentOutOfRangeException(
                nameof(offset),
                $"view [{offset}, {offset + length}) outside a tensor of {g.Length}"
            );
        return new GpuTensor<float>(null, g.View.SubView(offset, length), shape);
    }

    public void Upload(ReadOnlySpan<float> source, Tensor<float> destination) =>
        Gpu(destination).View.CopyFromCPU(Stream, source);

    public void Upload(ReadOnlySpan<int> source, Tensor<int> destination) =>
        ((GpuTensor<int>)destination).View.CopyFromCPU(Stream, source);

    public void Download(Tensor<float> source, Span<float> destination)
    {
        Gpu(source).View.CopyToCPU(Stream, destination);
        Stream.Synchronize();
    }

    public void Synchronize() => Stream.Synchronize();

    public void Dispose()
    {
        _frontEnd?.Dispose();
        _ownedDevice?.Dispose();
    }

    private static GpuTensor<float> Gpu(Tensor<float> t) =>
        t as GpuTensor<float> ?? throw new ArgumentException($"{t} does not belong to the ILGPU backend");

    private static ArrayView<float> D(Tensor<float> t) => Gpu(t).Data;

    private static ArrayView<int> D(Tensor<int> t) => ((GpuTensor<int>)t).Data;

    private static int GroupsFor(int n, int groupSize) => (n + groupSize - 1) / groupSize;

    private static void CheckLength(Tensor<float> t, int expected, string what)
    {
        if (t.Length != expected)
            throw new ArgumentException($"{what}: expected {expected} elements, got {t.Length} ({t})");
    }

    /// <summary>Scratch buffers that grow to the largest request (attention's dS, per-row losses,
    /// reductions).</summary>
    private readonly Dictionary<string, GpuTensor<float>> _scratch = [];

    private GpuTensor<float> Scratch(string name, int length)
    {
        if (!_scratch.TryGetValue(name, out var buffer) || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = AllocateOwned<float>([Math.Max(length, 1)]);
            _scratch[name] = buffer;
        }
        return buffer;
    }
}
