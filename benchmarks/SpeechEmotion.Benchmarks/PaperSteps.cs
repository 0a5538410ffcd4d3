using System.Diagnostics;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Benchmarks;

/// <summary>
/// The same measurements as TorchSharpBaseline's "bench" on the cpu backend, one line each ("ours NAME MILLISECONDS"),
/// so that compare-torchsharp.sh can alternate the two programs and take medians. Other utterance lengths than 300
/// frames (the frames sweep) get "@FRAMES" after the name.
/// </summary>
public static class PaperSteps
{
    public static int Run(string[] args)
    {
        int rounds = args.Contains("--quick") ? 3 : 10;
        int at = Array.IndexOf(args, "--frames");
        int frames = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : 300;
        string suffix = frames == 300 ? "" : $"@{frames}";
        using var train = new PaperSetup(new CpuBackend<float>(), 32, frames);
        using var single = new PaperSetup(new CpuBackend<float>(), 1, frames);
        Measure("train" + suffix, rounds, () => train.TrainStep());
        Measure("infer_b1" + suffix, rounds * 5, () => single.Infer());
        Measure("infer_b32" + suffix, rounds, () => train.Infer());
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
