using BenchmarkDotNet.Attributes;
using SpeechEmotion.Benchmarking;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Benchmarks;

/// <summary>End to end on the cpu backend at the paper configuration: a training step (batch 32) and inference (batch 1
/// and 32).</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    [Params(300)]
    public int Frames { get; set; }

    private PaperSetup _train = null!,
        _infer1 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _train = new PaperSetup(new CpuBackend<float>(), 32, Frames);
        _infer1 = new PaperSetup(new CpuBackend<float>(), 1, Frames);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _train.Dispose();
        _infer1.Dispose();
    }

    [Benchmark]
    public double TrainStep() => _train.TrainStep();

    [Benchmark]
    public float[] InferBatch1() => _infer1.Infer();

    [Benchmark]
    public float[] InferBatch32() => _train.Infer();
}
