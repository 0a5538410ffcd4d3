using System.Globalization;
using BenchmarkDotNet.Running;
using SpeechEmotion.Benchmarking;
using SpeechEmotion.Engine.Cpu;

// "paper-steps [--quick] [--frames N]" prints plain timings ("ours NAME MS") for benchmarks/compare-torchsharp.sh;
// anything else goes to BenchmarkDotNet.
if (args.FirstOrDefault() == "paper-steps")
{
    int at = Array.IndexOf(args, "--frames");
    int frames = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 300;
    foreach (var (name, ms) in PaperSteps.Run(() => new CpuBackend<float>(), frames, args.Contains("--quick")))
        Console.WriteLine(FormattableString.Invariant($"ours {name} {ms:F3}"));
    return 0;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
