using System.Globalization;
using System.Text;

namespace SpeechEmotion.Evaluation;

/// <summary>report.md, the reading copy of a <see cref="RunReport"/>: tables laid out like the paper's.</summary>
public static class RunReportMarkdown
{
    public static string Of(RunReport report, string title)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine($"Protocol: {report.Protocol}. Model selection: {report.Selection}. Device: {report.Device}.")
            .AppendLine();
        return report.IsRegression ? Regression(sb, report) : Classification(sb, report);
    }

    private static string Classification(StringBuilder sb, RunReport report)
    {
        var labels = report.Labels ?? [];
        var confusion = report.Confusion ?? [];
        sb.AppendLine("| UA (%) | WA (%) | macro P (%) | macro R (%) | macro F1 (%) | utterances |")
            .AppendLine("|---|---|---|---|---|---|");
        sb.AppendLine(
                $"| {P(report.Ua)} | {P(report.Wa)} | {P(report.MacroPrecision)} | {P(report.MacroRecall)} | "
                    + $"{P(report.MacroF1)} | {report.Utterances} |"
            )
            .AppendLine();
        sb.AppendLine("## Recall per emotion (cf. the paper's Table 4)").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", labels) + " |")
            .AppendLine("|" + string.Concat(labels.Select(_ => "---|")));
        sb.AppendLine("| " + string.Join(" | ", (report.PerClassRecall ?? []).Select(P)) + " |").AppendLine();
        sb.AppendLine("## Confusion matrix, rows = true, columns = predicted, % of row (cf. the paper's Table 5)")
            .AppendLine();
        sb.AppendLine("| true \\ predicted | " + string.Join(" | ", labels) + " | n |")
            .AppendLine("|---|" + string.Concat(labels.Select(_ => "---|")) + "---|");
        for (int t = 0; t < confusion.Length; t++)
        {
            int n = confusion[t].Sum();
            var cells = confusion[t].Select(c => n == 0 ? "–" : $"{P((double)c / n)} ({c})");
            sb.AppendLine($"| {labels[t]} | {string.Join(" | ", cells)} | {n} |");
        }
        sb.AppendLine().AppendLine("## Folds").AppendLine();
        sb.AppendLine(
                "| test speakers | validation speakers | UA (%) | WA (%) | epochs | selected epoch | seconds | device |"
            )
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in report.Folds)
            sb.AppendLine(
                $"| {Join(f.Speakers)} | {Join(f.ValidationSpeakers)} | {P(f.Ua)} | {P(f.Wa)} | {f.Epochs} | "
                    + $"{f.SelectedEpoch} | {Number(f.Seconds)} | {f.Device ?? "not recorded"} |"
            );
        return sb.ToString();
    }

    /// <summary>Like the paper's Table 7: MAE, correlation, Acc-2 (with and without zero labels), F1, Acc-5,
    /// Acc-7.</summary>
    private static string Regression(StringBuilder sb, RunReport report)
    {
        const string columns = "| MAE | Corr | Acc-2 (%) | Acc-2 non-zero (%) | F1 (%) | Acc-5 (%) | Acc-7 (%) |";
        sb.AppendLine("## Pooled over all folds (cf. the paper's Table 7)").AppendLine();
        sb.AppendLine(columns).AppendLine("|---|---|---|---|---|---|---|").AppendLine(Row(report)).AppendLine();
        sb.AppendLine("## Folds").AppendLine();
        sb.AppendLine("| test speakers " + columns).AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in report.Folds)
            sb.AppendLine($"| {Join(f.Speakers)} " + Row(f));
        return sb.ToString();
    }

    private static string Row(Scores s) =>
        $"| {F3(s.Mae)} | {F3(s.Corr)} | {P(s.Acc2)} | {P(s.Acc2NonZero)} | {P(s.F1)} | {P(s.Acc5)} | {P(s.Acc7)} |";

    private static string P(double? v) => v is { } x ? (100 * x).ToString("F2", CultureInfo.InvariantCulture) : "–";

    private static string F3(double? v) => v is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Join(string[] values) => values.Length == 0 ? "–" : string.Join(", ", values);
}
