using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Engine.Ops;

namespace SpeechEmotion.Kernels;

/// <summary>
/// The CPU reference (float) and the ILGPU backend side by side: the same host data goes to both, outputs are
/// poisoned with NaN before a launch, and results are compared. Used by `ser doctor` and by the kernel tests.
/// </summary>
public sealed class ParityHarness(GpuDevice device, int seed)
{
    public int Seed { get; } = seed;
    public Random Random { get; } = new(seed);
    public CpuBackend<float> Cpu { get; } = new();
    public IlgpuBackend Gpu { get; } = new(device);

    /// <summary>Uniform in (−scale, scale), never exactly zero.</summary>
    public float[] RandomData(int length, float scale = 1f) => OpData.Uniform(Random, length, scale);

    public (Tensor<float> Cpu, Tensor<float> Gpu) Data(float[] host, params int[] shape)
    {
        var c = Cpu.Allocate(shape);
        var g = Gpu.Allocate(shape);
        Cpu.Upload(host, c);
        Gpu.Upload(host, g);
        return (c, g);
    }

    public (Tensor<float> Cpu, Tensor<float> Gpu) RandomTensor(params int[] shape) =>
        Data(RandomData(Tensor<float>.ShapeLength(shape)), shape);

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

    /// <summary>max |gpu − cpu| / max |cpu| over the tensor; +∞ when either side holds a NaN (an element the kernel
    /// should have written, or a reference that overflowed). Not NaN: NUnit orders NaN below every number, so NaN ≤
    /// tolerance would pass.</summary>
    public double Error((Tensor<float> Cpu, Tensor<float> Gpu) pair) => Error(Host(Cpu, pair.Cpu), Host(Gpu, pair.Gpu));

    public static double Error(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double scale = 0,
            worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(actual[i]) || float.IsNaN(expected[i]))
                return double.PositiveInfinity;
            scale = Math.Max(scale, Math.Abs(expected[i]));
            worst = Math.Max(worst, Math.Abs((double)actual[i] - expected[i]));
        }
        return scale > 0 ? worst / scale : worst;
    }
}
