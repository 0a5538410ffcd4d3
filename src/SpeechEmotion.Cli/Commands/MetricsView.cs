using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Prints UA/WA/F1, per-class recall and the confusion matrix as tables.</summary>
internal static class MetricsView
{
    public static void Print(ClassificationMetrics m, string title)
    {
        AnsiConsole.MarkupInterpolated(
            $"[bold]{title}[/]: UA {m.Ua:P2}, WA {m.Wa:P2}, macro P {m.MacroPrecision:P2}, macro R "
        );
        AnsiConsole.MarkupLineInterpolated($"{m.MacroRecall:P2}, macro F1 {m.MacroF1:P2} ({m.Total} utterances)");
        var table = new Table().AddColumn("true \\ predicted");
        foreach (var l in m.Labels)
            table.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        var recall = m.PerClassRecall;
        for (int t = 0; t < m.Labels.Count; t++)
            table.AddRow([
                Markup.Escape(m.Labels[t]),
                .. m.Confusion[t].Select(c => c.ToString()),
                double.IsNaN(recall[t]) ? "–" : recall[t].ToString("P1"),
            ]);
        AnsiConsole.Write(table);
    }

    public static void Print(SentimentMetrics m, string title) =>
        AnsiConsole.MarkupLine(
            Markup.Escape(
                $"{title}: MAE {m.Mae:F3}, corr {m.Corr:F3}, Acc-2 {m.Acc2:P2} (non-zero {m.Acc2NonZero:P2}), F1 "
                    + $"{m.F1:P2}, Acc-5 {m.Acc5:P2}"
                    + (m.Acc7 is { } a7 ? $", Acc-7 {a7:P2}" : "")
            )
        );
}
