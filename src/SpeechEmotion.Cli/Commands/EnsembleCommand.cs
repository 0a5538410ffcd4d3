using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser ensemble RUN RUN... --report OUT`: one LOSO report from finished runs by averaging their test
/// probabilities (<see cref="Ensemble"/>).</summary>
internal static class EnsembleCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "Two or more finished loso report folders (each with report.json and folds/)",
            Arity = new ArgumentArity(2, 64),
        };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder (report.json, report.md, confusion.png)",
            Required = true,
        };
        var command = new Command(
            "ensemble",
            "Average the test probabilities of finished LOSO runs over the same folds into one report"
        )
        {
            runs,
            report,
        };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(runs)!, r.GetValue(report)!)));
        return command;
    }

    private static int Run(string[] dirs, string outDir)
    {
        var reports = dirs.Select(d => RunReport.Load(Path.Combine(d, "report.json"))).ToList();
        var first = reports[0];
        var labels =
            first.Labels?.ToList() ?? throw new InvalidDataException($"{dirs[0]}/report.json: a regression run");
        var members = dirs.Select((d, i) => (d, Folds(d, reports[i]))).ToList();
        var combined = Ensemble.Combine(labels, members);
        string protocol = $"{first.Protocol}; ensemble of {dirs.Length} runs (mean softmax probabilities)";
        var devices = string.Join(" + ", reports.Select(r => r.Device).Distinct());
        // An ensemble of ensembles has no config of its own: the defaults give the classification task and selection.
        var config = first.Config ?? new ModelConfig();
        var report = RunReport.Of(labels, combined, config, first.Training ?? new(), protocol, devices) with
        {
            Config = null,
            Training = null,
            Members =
            [
                .. dirs.Select((d, i) => new EnsembleMember(d, reports[i].Ua, reports[i].Config, reports[i].Training)),
            ],
        };
        var title = $"ensemble of {dirs.Length} LOSO runs";
        RunReportWriter.Write(outDir, report, $"Ensemble: {protocol}", title, combined, plots: true, curves: false);
        return 0;
    }

    /// <summary>A run's folds from its report.json (predictions keyed by file name), or, for a report written before
    /// predictions carried probabilities, from its folds/ folder.</summary>
    private static IReadOnlyList<FoldResult> Folds(string dir, RunReport report)
    {
        if (report.Predictions.FirstOrDefault()?.Probabilities is not null)
            return report.Results(Path.Combine(dir, "report.json"));
        if (!Directory.Exists(Path.Combine(dir, "folds")))
            throw new DirectoryNotFoundException(
                $"{dir}: no folds/ folder and no probabilities in report.json; is it a loso report folder?"
            );
        return Directory
            .GetFiles(Path.Combine(dir, "folds"), "fold.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(FoldResult.Load)
            .Select(f =>
                f with
                {
                    Predictions = [.. f.Predictions.Select(p => p with { Path = Path.GetFileName(p.Path) })],
                }
            )
            .ToList();
    }
}
