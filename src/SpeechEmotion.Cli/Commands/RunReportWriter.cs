using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>The one writer of a run's reports — report.json, report.md, confusion.png and curves.png — and of its
/// pooled metrics on the console, for `loso`, `sweep`, `ensemble` and `suite` alike.</summary>
internal static class RunReportWriter
{
    /// <param name="curves">Also curves.png (an ensemble has no training curves of its own).</param>
    public static void Write(
        string outDir,
        RunReport report,
        string title,
        string plotTitle,
        IReadOnlyList<FoldResult> results,
        bool plots,
        bool curves = true
    )
    {
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "report.json"), report.ToJson());
        File.WriteAllText(Path.Combine(outDir, "report.md"), RunReportMarkdown.Of(report, title));
        var written = new List<string> { "report.json", "report.md" };
        if (plots && curves)
        {
            Plots.CurvesPng(
                results.Select(f => (string.Join(",", f.Speakers), f.History)).ToList(),
                Path.Combine(outDir, "curves.png")
            );
            written.Add("curves.png");
        }
        if (report.IsRegression)
        {
            var range = report.Config?.ScoreRange ?? 0;
            MetricsView.Print(
                FoldResult.Regression(results.SelectMany(f => f.Predictions), range),
                $"pooled over {results.Count} folds"
            );
        }
        else
        {
            var pooled = new ClassificationMetrics(report.Labels ?? [], report.Confusion ?? []);
            if (plots)
            {
                Plots.ConfusionPng(
                    pooled.Labels,
                    pooled.Confusion,
                    Path.Combine(outDir, "confusion.png"),
                    $"{plotTitle}: UA {pooled.Ua:P1}"
                );
                written.Insert(2, "confusion.png");
            }
            MetricsView.Print(pooled, $"pooled over {results.Count} folds");
        }
        AnsiConsole.MarkupLineInterpolated($"wrote {outDir}/{string.Join(", ", written)}");
    }
}
