using BenchmarkDotNet.Attributes;
using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Benchmarks;

/// <summary>
/// Per-op benchmarks read from the op definitions (<see cref="KernelOps"/>: the ops, inputs, launches and FLOPs that
/// `ser doctor` checks) on the cpu backend, and cuda when a CUDA device opens (each launch ends with a synchronise so
/// the kernel time is inside the measurement), at the paper's shape (batch 32, F 400, H 128, E 256, 8 heads) with
/// <see cref="Frames"/> frames, every sequence full length. The GFLOP/s column divides the op's FLOPs by the mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class OpBenchmarks : IFlopCount
{
    [ParamsSource(nameof(Ops))]
    public string Op { get; set; } = "gemm";

    public static IEnumerable<string> Ops() => KernelSelfCheck.Kernels;

    [Params(100, 300, 900)]
    public int Frames { get; set; }

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    public static IEnumerable<string> Devices() => GpuDevice.CudaAvailable() ? ["cpu", "cuda"] : ["cpu"];

    private IBackend<float> _b = null!;
    private OpLaunch _launch = null!;

    private OpShape Shape => OpShape.Full with { Steps = Frames };

    [GlobalSetup]
    public void Setup()
    {
        _b = Backends.Create(Device);
        _launch = KernelOps.Get(Op).Prepare(new OpData(Shape, 1, equalLengths: true))(new LaunchBuilder(_b));
    }

    public double Flops() => KernelOps.Get(Op).Flops(Shape);

    [GlobalCleanup]
    public void Cleanup() => _b.Dispose();

    [Benchmark]
    public void Run()
    {
        _launch.Run();
        _b.Synchronize();
    }
}
