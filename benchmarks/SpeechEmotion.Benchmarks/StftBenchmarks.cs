using BenchmarkDotNet.Attributes;
using SpeechEmotion.Features;

namespace SpeechEmotion.Benchmarks;

/// <summary>CPU reference spectrogram of a 3 s clip (298 frames), the typical Emo-DB utterance length.</summary>
[MemoryDiagnoser]
public class StftBenchmarks
{
    private float[] _samples = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _samples = Enumerable.Range(0, 48000).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
    }

    [Benchmark]
    public float[] Stft() => Spectrogram.Compute<float>(_samples);
}
