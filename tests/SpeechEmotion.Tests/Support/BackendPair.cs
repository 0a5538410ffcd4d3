using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Tests.Support;

/// <summary>
/// The CPU reference (float) and the ILGPU backend on ILGPU's CPU accelerator (Nvidia preset) side by side: the same
/// host data goes to both, outputs are poisoned with NaN on both before a launch, and results are compared.
/// Inputs are fresh random numbers each run (the seed is printed so a failure can be replayed).
/// </summary>
public sealed class BackendPair : IDisposable
{
    public BackendPair()
    {
        Seed = Environment.TickCount;
        Random = new Random(Seed);
        TestContext.Out.WriteLine($"random seed {Seed}");
        Device = GpuDevice.Create("ilgpu-cpu");
        Gpu = new IlgpuBackend(Device);
    }

    public int Seed { get; }
    public Random Random { get; }
    public GpuDevice Device { get; }
    public CpuBackend<float> Cpu { get; } = new();
    public IlgpuBackend Gpu { get; }

    public float[] RandomData(int length, float scale = 1f) =>
        Enumerable.Range(0, length).Select(_ => { float v; do v = (float)(Random.NextDouble() * 2 - 1) * scale; while (v == 0); return v; }).ToArray();

    public (Tensor<float> Cpu, Tensor<float> Gpu) Data(float[] host, params int[] shape)
    {
        var c = Cpu.Allocate(shape);
        var g = Gpu.Allocate(shape);
        Cpu.Upload(host, c);
        Gpu.Upload(host, g);
        return (c, g);
    }

    public (Tensor<float> Cpu, Tensor<float> Gpu) Random_(params int[] shape) => Data(RandomData(Tensor<float>.ShapeLength(shape)), shape);

    public (Tensor<float> Cpu, Tensor<float> Gpu) Poisoned(params int[] shape) =>
        Data(Enumerable.Repeat(float.NaN, Tensor<float>.ShapeLength(shape)).ToArray(), shape);

    public (Tensor<int> Cpu, Tensor<int> Gpu) Ints(params int[] values)
    {
        var c = Cpu.AllocateInts(values.Length);
        var g = Gpu.AllocateInts(values.Length);
        Cpu.Upload(values, c);
        Gpu.Upload(values, g);
        return (c, g);
    }

    public static float[] Host(IBackend<float> backend, Tensor<float> t)
    {
        var host = new float[t.Length];
        backend.Download(t, host);
        return host;
    }

    /// <summary>max |gpu − cpu| / max |cpu| over the tensor; NaN anywhere in the GPU output fails.</summary>
    public double Error((Tensor<float> Cpu, Tensor<float> Gpu) pair)
    {
        var expected = Host(Cpu, pair.Cpu);
        var actual = Host(Gpu, pair.Gpu);
        Assert.That(actual.Any(float.IsNaN), Is.False, "kernel left NaN (an output element it should have written)");
        double scale = expected.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs((double)actual[i] - expected[i]));
        double error = scale > 0 ? worst / scale : worst;
        TestContext.Out.WriteLine($"{pair.Cpu}: max relative error {error:E2}");
        return error;
    }

    public void Dispose()
    {
        Gpu.Dispose();
        Device.Dispose();
    }
}
