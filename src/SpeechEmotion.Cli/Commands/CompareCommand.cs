using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser compare A/report.json B/report.json [...]`: one-way ANOVA on per-utterance correctness (1 right, 0 wrong) across
/// runs, as the paper's §4.3, plus each run's UA and the difference to the first. The runs must cover the same
/// utterances. Like the paper, this treats the runs as independent groups although they share utterances.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var reports = new Argument<string[]>("reports") { Description = "Two or more report.json files", Arity = new ArgumentArity(2, 64) };
        var command = new Command("compare", "One-way ANOVA on per-utterance correctness between runs, and the UA difference") { reports };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(reports)!)));
        return command;
    }

    private static int Run(string[] paths)
    {
        var runs = paths.Select(Load).ToList();
        var keys = runs[0].Correct.Keys.Order().ToList();
        foreach (var (run, path) in runs.Zip(paths))
            if (!run.Correct.Keys.Order().SequenceEqual(keys)) throw new ArgumentException($"{path}: its utterances differ from {paths[0]}'s; compare runs on the same folds");
        var anova = Anova.OneWay(runs.Select(r => (IReadOnlyList<double>)keys.Select(k => r.Correct[k]).ToList()).ToList());
        var table = new Table().AddColumns("report", "UA", "WA", "ΔUA vs first");
        foreach (var (run, path) in runs.Zip(paths))
            table.AddRow(Markup.Escape(path), run.Ua.ToString("P2"), run.Wa.ToString("P2"), (run.Ua - runs[0].Ua).ToString("+0.00%;-0.00%;0.00%"));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"one-way ANOVA on per-utterance correctness ({keys.Count} utterances per run): F({anova.DfBetween}, {anova.DfWithin}) = {anova.F:F3}, p = {anova.P:G4}");
        AnsiConsole.MarkupLine(anova.P < 0.05 ? "the difference is significant at the 0.05 level" : "the difference is not significant at the 0.05 level");
        return 0;
    }

    private sealed record RunStats(double Ua, double Wa, Dictionary<string, double> Correct);

    private static RunStats Load(string path)
    {
        JsonNode report;
        try { report = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: empty"); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{path}: not JSON ({e.Message})"); }
        var predictions = report["predictions"]?.AsArray() ?? throw new InvalidDataException($"{path}: no per-utterance predictions (not a loso report?)");
        var correct = predictions.ToDictionary(p => $"{p!["speaker"]}/{p["path"]}",
            p => p!["truth"]!.GetValue<string>() == p["predicted"]!.GetValue<string>() ? 1.0 : 0.0);
        return new RunStats(report["ua"]!.GetValue<double>(), report["wa"]!.GetValue<double>(), correct);
    }
}
