using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser compare A/report.json B/report.json [...]`: one-way ANOVA on per-utterance correctness across runs
/// (<see cref="RunComparison"/>), plus each run's UA and the difference to the first.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var reports = new Argument<string[]>("reports")
        {
            Description = "Two or more report.json files",
            Arity = new ArgumentArity(2, 64),
        };
        var command = new Command(
            "compare",
            "One-way ANOVA on per-utterance correctness between runs, and the UA difference"
        )
        {
            reports,
        };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(reports)!)));
        return command;
    }

    private static int Run(string[] paths)
    {
        var runs = paths.Select(RunStats.Load).ToList();
        var anova = RunComparison.Anova(runs);
        var table = new Table().AddColumns("report", "UA", "WA", "ΔUA vs first");
        foreach (var run in runs)
            table.AddRow(
                Markup.Escape(run.Path),
                run.Ua.ToString("P2"),
                run.Wa.ToString("P2"),
                (run.Ua - runs[0].Ua).ToString("+0.00%;-0.00%;0.00%")
            );
        AnsiConsole.Write(table);
        AnsiConsole.MarkupInterpolated(
            $"one-way ANOVA on per-utterance correctness ({runs[0].Correct.Count} utterances per run): "
        );
        AnsiConsole.MarkupLineInterpolated($"F({anova.DfBetween}, {anova.DfWithin}) = {anova.F:F3}, p = {anova.P:G4}");
        AnsiConsole.MarkupLine(
            anova.P < 0.05
                ? "the difference is significant at the 0.05 level"
                : "the difference is not significant at the 0.05 level"
        );
        return 0;
    }
}
