using System.CommandLine;
using System.Globalization;
using MathNet.Numerics.Statistics;
using Spectre.Console;
using SpeechEmotion.Benchmarking;
using SpeechEmotion.Engine;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser bench`: training step and inference timings at the paper configuration on a device, one plain line per
/// measurement ("ours NAME MS", what benchmarks/gpu/run.sh and compare-torchsharp.sh parse), then a table of
/// medians.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var device = DeviceOption.Create();
        var precision = DeviceOption.CreatePrecision();
        var frames = new Option<int>("--frames")
        {
            Description = "Utterance length in frames (paper configuration: 300)",
            DefaultValueFactory = _ => 300,
        };
        var quick = new Option<bool>("--quick")
        {
            Description = "3 rounds (15 for batch-1 inference) instead of 10 (50)",
        };
        var profile = new Option<bool>("--profile")
        {
            Description = "Also time each op of a training step and a batch-1 inference (synchronised around every op)",
        };
        var throughput = new Option<string?>("--throughput")
        {
            Description =
                "Instead: utterances per second from 3 s of audio to probabilities (front end + model) at "
                + "these batch sizes, e.g. 1,8,32,128,256",
        };
        var utterances = new Option<int>("--utterances")
        {
            Description = "Utterances timed per batch size with --throughput",
            DefaultValueFactory = _ => 256,
        };
        var recipe = new Option<string?>("--recipe")
        {
            Description =
                "Time this recipe's network instead (a built-in name or a recipe file: its input width, hidden "
                + "size, heads, loss; random inputs of --frames frames)",
        };
        var command = new Command(
            "bench",
            "Time a training step (batch 32) and inference (batch 1 and 32) at the "
                + "paper configuration: H 128, 8 heads, 400 bins"
        )
        {
            device,
            precision,
            frames,
            quick,
            profile,
            throughput,
            utterances,
            recipe,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
                r.GetValue(throughput) is { } sizes
                    ? Throughput(r.GetValue(device)!, r.GetValue(precision), sizes, r.GetValue(utterances))
                    : Run(
                        r.GetValue(device)!,
                        r.GetValue(precision),
                        r.GetValue(frames),
                        r.GetValue(quick),
                        r.GetValue(profile),
                        r.GetValue(recipe) is { } name ? Recipe.Load(name) : null
                    )
            )
        );
        return command;
    }

    /// <summary>One "ours throughput BATCH UTT/S" line per batch size (what the comparison scripts read), then a
    /// table.</summary>
    private static int Throughput(string deviceName, Precision precision, string sizes, int utterances)
    {
        var batches = TrainingArgs
            .Split(sizes)
            .Select(s =>
                int.TryParse(s, out int b) && b is >= 1 and <= 1024
                    ? b
                    : throw new ArgumentException($"--throughput: '{s}' is not a batch size from 1 to 1024")
            )
            .ToList();
        if (batches.Count == 0 || utterances < 1)
            throw new ArgumentException("--throughput needs batch sizes and --utterances at least 1");
        var table = new Table()
            .Title($"{deviceName}: 3 s clips, audio → probabilities")
            .AddColumns("batch", "utterances / s", "real time ×");
        foreach (
            var (batch, rate) in PaperThroughput.Run(DeviceOption.Factory(deviceName, precision), batches, utterances)
        )
        {
            Console.WriteLine(FormattableString.Invariant($"ours throughput {batch} {rate:F1}"));
            var invariant = CultureInfo.InvariantCulture;
            table.AddRow(
                batch.ToString(invariant),
                rate.ToString("F1", invariant),
                (rate * 3).ToString("F0", invariant)
            );
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static int Run(string deviceName, Precision precision, int frames, bool quick, bool profile, Recipe? recipe)
    {
        if (frames < 1)
            throw new ArgumentException($"--frames must be at least 1, got {frames}");
        if (recipe?.Model.IsFunctionals == true)
            throw new ArgumentException($"--recipe {recipe.Name}: the functionals baseline has no network to time");
        var open = DeviceOption.Factory(deviceName, precision);
        string device = recipe is null ? deviceName : $"{deviceName}, recipe {recipe.Name}";
        var times = new Dictionary<string, List<double>>();
        foreach (var (name, ms) in PaperSteps.Run(open, frames, quick, recipe?.Model))
        {
            Console.WriteLine(FormattableString.Invariant($"ours {name} {ms:F3}"));
            (times.TryGetValue(name, out var list) ? list : times[name] = []).Add(ms);
        }
        var table = new Table()
            .Title($"{device}, {frames} frames (medians)")
            .AddColumns("measurement", "runs", "median (ms)", "min (ms)");
        foreach (var (name, list) in times)
            table.AddRow(
                name,
                list.Count.ToString(CultureInfo.InvariantCulture),
                list.Median().ToString("F2", CultureInfo.InvariantCulture),
                list.Min().ToString("F2", CultureInfo.InvariantCulture)
            );
        AnsiConsole.Write(table);
        if (profile)
            WriteProfile(open, device, frames, quick ? 3 : 10, recipe?.Model);
        return 0;
    }

    /// <summary>One plain line per op ("profile MEASUREMENT OP CALLS MS", per step) for scripts, then a
    /// table.</summary>
    private static void WriteProfile(
        Func<IBackend<float>> open,
        string device,
        int frames,
        int rounds,
        SpeechEmotion.Model.ModelConfig? config
    )
    {
        var table = new Table()
            .Title($"{device}, {frames} frames: time per op (synchronised after each op)")
            .AddColumns("measurement", "op", "calls", "ms per step", "share");
        foreach (var group in PaperSteps.Profile(open, frames, rounds, config).GroupBy(p => p.Measurement))
        {
            double total = group.Sum(p => p.Milliseconds);
            foreach (var (measurement, op, calls, ms) in group)
            {
                Console.WriteLine(FormattableString.Invariant($"profile {measurement} {op} {calls:F0} {ms:F3}"));
                table.AddRow(
                    measurement,
                    op,
                    calls.ToString("F0", CultureInfo.InvariantCulture),
                    ms.ToString("F3", CultureInfo.InvariantCulture),
                    (ms / total).ToString("P1", CultureInfo.InvariantCulture)
                );
            }
        }
        AnsiConsole.Write(table);
    }
}
