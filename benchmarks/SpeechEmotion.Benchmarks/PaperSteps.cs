using System.Diagnostics;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Benchmarks;

/// <summary>
/// The same measurements as TorchSharpBaseline's "bench" on the cpu backend, one line each ("ours NAME MILLISECONDS"),
/// so that compare-torchsharp.sh can alternate the two programs and take medians.
/// </summary>
public static class PaperSteps
{
    public static int Run(int rounds)
    {
        using var train = new PaperSetup(new CpuBackend<float>(), 32, 300);
        using var single = new PaperSetup(new CpuBackend<float>(), 1, 300);
        Measure("train", rounds, () => train.TrainStep());
        Measure("infer_b1", rounds * 5, () => single.Infer());
        Measure("infer_b32", rounds, () => train.Infer());
        return 0;
    }

    private static void Measure(string name, int rounds, Action action)
    {
        action();
        for (int i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            Console.WriteLine($"ours {name} {watch.Elapsed.TotalMilliseconds:F3}");
        }
    }
}
