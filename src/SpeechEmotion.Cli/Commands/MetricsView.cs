using Spectre.Console;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Prints UA/WA/F1, per-class recall and the confusion matrix as tables.</summary>
internal static class MetricsView
{
    public static void Print(ClassificationMetrics m, string title)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{title}[/]: UA {m.Ua:P2}, WA {m.Wa:P2}, macro P {m.MacroPrecision:P2}, macro R {m.MacroRecall:P2}, macro F1 {m.MacroF1:P2} ({m.Total} utterances)");
        var table = new Table().AddColumn("true \\ predicted");
        foreach (var l in m.Labels) table.AddColumn(new TableColumn(Markup.Escape(l)).RightAligned());
        table.AddColumn(new TableColumn("recall").RightAligned());
        var recall = m.PerClassRecall;
        for (int t = 0; t < m.Labels.Count; t++)
            table.AddRow([Markup.Escape(m.Labels[t]), .. m.Confusion[t].Select(c => c.ToString()), double.IsNaN(recall[t]) ? "–" : recall[t].ToString("P1")]);
        AnsiConsole.Write(table);
    }
}
