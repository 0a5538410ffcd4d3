using System.CommandLine;
using System.Globalization;
using MathNet.Numerics.Statistics;
using Spectre.Console;
using SpeechEmotion.Benchmarking;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser bench`: training step and inference timings at the paper configuration on a device, one plain line per
/// measurement ("ours NAME MS", what benchmarks/gpu/run.sh and compare-torchsharp.sh parse), then a table of medians.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create();
        var frames = new Option<int>("--frames") { Description = "Utterance length in frames (paper configuration: 300)", DefaultValueFactory = _ => 300 };
        var quick = new Option<bool>("--quick") { Description = "3 rounds (15 for batch-1 inference) instead of 10 (50)" };
        var profile = new Option<bool>("--profile") { Description = "Also time each op of a training step and a batch-1 inference (synchronised around every op)" };
        var command = new Command("bench", "Time a training step (batch 32) and inference (batch 1 and 32) at the paper configuration: H 128, 8 heads, 400 bins") { device, frames, quick, profile };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(device)!, r.GetValue(frames), r.GetValue(quick), r.GetValue(profile))));
        return command;
    }

    private static int Run(string deviceName, int frames, bool quick, bool profile)
    {
        if (frames < 1) throw new ArgumentException($"--frames must be at least 1, got {frames}");
        var open = DeviceOption.Factory(deviceName);
        string device = deviceName;
        var times = new Dictionary<string, List<double>>();
        foreach (var (name, ms) in PaperSteps.Run(open, frames, quick))
        {
            Console.WriteLine(FormattableString.Invariant($"ours {name} {ms:F3}"));
            (times.TryGetValue(name, out var list) ? list : times[name] = []).Add(ms);
        }
        var table = new Table().Title($"{device}, {frames} frames (medians)").AddColumns("measurement", "runs", "median (ms)", "min (ms)");
        foreach (var (name, list) in times)
            table.AddRow(name, list.Count.ToString(CultureInfo.InvariantCulture), list.Median().ToString("F2", CultureInfo.InvariantCulture),
                list.Min().ToString("F2", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        if (profile) WriteProfile(open, device, frames, quick ? 3 : 10);
        return 0;
    }

    /// <summary>One plain line per op ("profile MEASUREMENT OP CALLS MS", per step) for scripts, then a table.</summary>
    private static void WriteProfile(Func<IBackend<float>> open, string device, int frames, int rounds)
    {
        var table = new Table().Title($"{device}, {frames} frames: time per op (synchronised after each op)")
            .AddColumns("measurement", "op", "calls", "ms per step", "share");
        foreach (var group in PaperSteps.Profile(open, frames, rounds).GroupBy(p => p.Measurement))
        {
            double total = group.Sum(p => p.Milliseconds);
            foreach (var (measurement, op, calls, ms) in group)
            {
                Console.WriteLine(FormattableString.Invariant($"profile {measurement} {op} {calls:F0} {ms:F3}"));
                table.AddRow(measurement, op, calls.ToString("F0", CultureInfo.InvariantCulture), ms.ToString("F3", CultureInfo.InvariantCulture),
                    (ms / total).ToString("P1", CultureInfo.InvariantCulture));
            }
        }
        AnsiConsole.Write(table);
    }
}
