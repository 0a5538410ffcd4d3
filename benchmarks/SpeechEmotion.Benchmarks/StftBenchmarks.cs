using BenchmarkDotNet.Attributes;
using SpeechEmotion.Features;

namespace SpeechEmotion.Benchmarks;

/// <summary>CPU front ends of a 3 s clip (298 frames), the typical Emo-DB utterance length, against the plain
/// STFT.</summary>
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

    [Benchmark(Baseline = true)]
    public float[] Stft() => Spectrogram.Compute<float>(_samples);

    [Benchmark]
    public float[] Mel64() => FrontEnd.Mel(64).Compute(_samples);

    [Benchmark]
    public Pitch.Track PitchTrack() => Pitch.Estimate(_samples);

    /// <summary>The front end of the best LOSO recipe with --pitch: 64 bands, pitch, Δ and ΔΔ.</summary>
    [Benchmark]
    public float[] Mel64PitchDeltas() => FrontEnd.Mel(64, deltas: true, pitch: true).Compute(_samples);
}
