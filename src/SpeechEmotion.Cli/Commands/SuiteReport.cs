using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>One cell's result in suite.json.</summary>
internal sealed record SuiteRow(
    string Cell,
    string Corpus,
    string Mode,
    string Model,
    string Training,
    double Ua,
    double Wa,
    double MacroF1,
    IReadOnlyDictionary<string, double?> Recall,
    int Folds,
    int Utterances,
    double Seconds
);

/// <summary>suite.json: the protocol, the commit-independent settings and one row per cell.</summary>
internal sealed record SuiteResult(string Protocol, string NetworkRecipe, bool Quick, IReadOnlyList<SuiteRow> Rows);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SuiteResult))]
internal sealed partial class SuiteJsonContext : JsonSerializerContext;

/// <summary>Collects the cells' report.json into suite.json and suite.md.</summary>
internal static class SuiteReport
{
    public static SuiteRow Row(SuiteCell cell, string reportJson)
    {
        var report = RunReport.Load(reportJson);
        if (report.Labels is not { } labels || report.PerClassRecall is not { } recall)
            throw new InvalidDataException($"{reportJson}: not a classification report");
        return new SuiteRow(
            cell.Name,
            cell.Corpus,
            cell.Mode,
            cell.Model,
            cell.Training,
            report.Ua ?? double.NaN,
            report.Wa ?? double.NaN,
            report.MacroF1 ?? double.NaN,
            labels.Zip(recall).ToDictionary(p => p.First, p => p.Second),
            report.Folds.Count,
            report.Utterances ?? report.Predictions.Count,
            report.Folds.Sum(f => f.Seconds)
        );
    }

    public static void Write(string outDir, SuiteResult result)
    {
        File.WriteAllText(
            Path.Combine(outDir, "suite.json"),
            JsonSerializer.Serialize(result, SuiteJsonContext.Default.SuiteResult)
        );
        File.WriteAllText(Path.Combine(outDir, "suite.md"), Markdown(result));
    }

    private static string Hours(double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s ({seconds / 3600:F2} h)");

    private static string Percent(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture);

    public static string Markdown(SuiteResult result)
    {
        var md = new StringBuilder();
        md.AppendLine($"# Suite{(result.Quick ? " (--quick: first fold only, toy network)" : "")}");
        md.AppendLine();
        md.AppendLine(result.Protocol);
        md.AppendLine();
        md.AppendLine($"Network recipe: `{result.NetworkRecipe}`; baseline: `functionals`. UA pooled over the folds.");
        foreach (var training in new[] { "alone", "all", "cross" })
        {
            var rows = result.Rows.Where(r => r.Training == training).ToList();
            if (rows.Count == 0)
                continue;
            md.AppendLine();
            md.AppendLine(
                training switch
                {
                    "alone" => "## Trained on the corpus's own training folds",
                    "all" => "## Trained on the corpus's training folds plus all of the two other corpora",
                    _ => "## Cross-corpus: trained on the two other corpora, tested on this one (anger, happiness, "
                        + "neutral, sadness)",
                }
            );
            md.AppendLine();
            var columns = rows.Select(r => (r.Model, r.Mode)).Distinct().ToList();
            md.AppendLine("| corpus | " + string.Join(" | ", columns.Select(c => $"{c.Model}, {c.Mode} UA")) + " |");
            md.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")));
            foreach (var corpus in rows.Select(r => r.Corpus).Distinct())
                md.AppendLine(
                    $"| {corpus} | "
                        + string.Join(
                            " | ",
                            columns.Select(c =>
                                rows.FirstOrDefault(r => r.Corpus == corpus && r.Model == c.Model && r.Mode == c.Mode)
                                    is { } row
                                    ? Percent(row.Ua)
                                    : "–"
                            )
                        )
                        + " |"
                );
        }
        md.AppendLine();
        md.AppendLine("## Every cell");
        md.AppendLine();
        md.AppendLine("| cell | UA | WA | macro F1 | recall per class | folds | utterances | training s |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var r in result.Rows)
            md.AppendLine(
                $"| {r.Cell} | {Percent(r.Ua)} | {Percent(r.Wa)} | {Percent(r.MacroF1)} | "
                    + string.Join(", ", r.Recall.Select(p => $"{p.Key} {(p.Value is { } v ? Percent(v) : "–")}"))
                    + $" | {r.Folds} | {r.Utterances} | {r.Seconds.ToString("F0", CultureInfo.InvariantCulture)} |"
            );
        // The suite's cost: folds may run in separate processes, sessions or machines, so their times are summed.
        md.AppendLine();
        md.AppendLine(
            "Training seconds summed over every fold (each fold's wall time on its machine): "
                + string.Join(
                    ", ",
                    result.Rows.GroupBy(r => r.Model).Select(g => $"{g.Key} {Hours(g.Sum(r => r.Seconds))}")
                )
                + $"; in all {Hours(result.Rows.Sum(r => r.Seconds))}."
        );
        return md.ToString();
    }
}
