using BenchmarkDotNet.Attributes;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Benchmarks;

/// <summary>The Philox keep-mask of one attention pass (B·heads·T² elements, row by row as the attention draws it),
/// on one thread: the part of attention forward/backward that is random-number generation.</summary>
[MemoryDiagnoser]
public class DropoutMaskBenchmarks
{
    private const int Batch = 32,
        Heads = 8;

    [Params(100, 300, 900)]
    public int Frames { get; set; }

    [Benchmark]
    public void AttentionDropoutMask()
    {
        var spec = new DropoutSpec(0.2f, 1, 1, 1);
        Span<float> row = stackalloc float[Frames];
        for (int r = 0; r < Batch * Heads * Frames; r++)
            Philox.FillKeep(spec, r * Frames, row);
    }
}
