using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>report.json and report.md of a LOSO run: pooled metrics over all folds, per-fold metrics, per-utterance predictions.</summary>
public static class LosoReport
{
    public static JsonObject Json(IReadOnlyList<string> labels, IReadOnlyList<FoldResult> folds, ModelConfig config, TrainingOptions options,
        string protocol, string device)
    {
        var pooled = ClassificationMetrics.Sum(labels, folds.Select(f => f.Metrics(labels)));
        var report = Metrics(pooled);
        report["protocol"] = protocol;
        report["selection"] = folds.Any(f => f.ValidationSpeakers.Length > 0)
            ? "early stopping on validation speakers taken from each fold's training speakers"
            : $"fixed epochs ({options.Epochs}); no model or epoch is selected on test speakers";
        report["device"] = device;
        report["config"] = JsonSerializer.SerializeToNode(config, SavedModel.Json);
        report["training"] = JsonSerializer.SerializeToNode(options with { CheckpointPath = null }, SavedModel.Json);
        report["folds"] = new JsonArray(folds.Select(f =>
        {
            var m = f.Metrics(labels);
            var fold = Metrics(m);
            fold["speakers"] = Strings(f.Speakers);
            fold["validation_speakers"] = Strings(f.ValidationSpeakers);
            fold["epochs"] = f.Epochs;
            fold["selected_epoch"] = f.SelectedEpoch;
            fold["seconds"] = Math.Round(f.Seconds, 1);
            fold["history"] = JsonSerializer.SerializeToNode(f.History, SavedModel.Json);
            return (JsonNode)fold;
        }).ToArray());
        report["predictions"] = new JsonArray(folds.SelectMany(f => f.Predictions).Select(p => (JsonNode)new JsonObject
        {
            ["path"] = Path.GetFileName(p.Path),
            ["speaker"] = p.Speaker,
            ["truth"] = labels[p.Truth],
            ["predicted"] = labels[p.Predicted],
        }).ToArray());
        return report;
    }

    private static JsonObject Metrics(ClassificationMetrics m) => new()
    {
        ["ua"] = m.Ua,
        ["wa"] = m.Wa,
        ["macro_precision"] = m.MacroPrecision,
        ["macro_recall"] = m.MacroRecall,
        ["macro_f1"] = m.MacroF1,
        ["utterances"] = m.Total,
        ["labels"] = Strings(m.Labels),
        ["per_class_recall"] = new JsonArray(m.PerClassRecall.Select(r => (JsonNode?)(double.IsNaN(r) ? null : r)).ToArray()),
        ["confusion"] = new JsonArray(m.Confusion.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    public static string Markdown(JsonObject report, string title)
    {
        var labels = report["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        var confusion = report["confusion"]!.AsArray().Select(r => r!.AsArray().Select(v => v!.GetValue<int>()).ToArray()).ToArray();
        var recall = report["per_class_recall"]!.AsArray().Select(r => r?.GetValue<double>()).ToArray();
        var sb = new StringBuilder();
        string P(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture);
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine($"Protocol: {report["protocol"]}. Model selection: {report["selection"]}. Device: {report["device"]}.").AppendLine();
        sb.AppendLine("| UA (%) | WA (%) | macro P (%) | macro R (%) | macro F1 (%) | utterances |").AppendLine("|---|---|---|---|---|---|");
        sb.AppendLine($"| {P(D(report, "ua"))} | {P(D(report, "wa"))} | {P(D(report, "macro_precision"))} | {P(D(report, "macro_recall"))} | {P(D(report, "macro_f1"))} | {report["utterances"]} |").AppendLine();
        sb.AppendLine("## Recall per emotion (cf. the paper's Table 4)").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", labels) + " |").AppendLine("|" + string.Concat(labels.Select(_ => "---|")));
        sb.AppendLine("| " + string.Join(" | ", recall.Select(r => r is null ? "–" : P(r.Value))) + " |").AppendLine();
        sb.AppendLine("## Confusion matrix, rows = true, columns = predicted, % of row (cf. the paper's Table 5)").AppendLine();
        sb.AppendLine("| true \\ predicted | " + string.Join(" | ", labels) + " | n |").AppendLine("|---|" + string.Concat(labels.Select(_ => "---|")) + "---|");
        for (int t = 0; t < labels.Count; t++)
        {
            int n = confusion[t].Sum();
            sb.AppendLine($"| {labels[t]} | " + string.Join(" | ", confusion[t].Select(c => n == 0 ? "–" : $"{P((double)c / n)} ({c})")) + $" | {n} |");
        }
        sb.AppendLine().AppendLine("## Folds").AppendLine();
        sb.AppendLine("| test speakers | validation speakers | UA (%) | WA (%) | epochs | selected epoch | seconds |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var f in report["folds"]!.AsArray())
            sb.AppendLine($"| {Join(f!["speakers"])} | {Join(f["validation_speakers"])} | {P(D(f, "ua"))} | {P(D(f, "wa"))} | {f["epochs"]} | {f["selected_epoch"]} | {f["seconds"]} |");
        return sb.ToString();
    }

    private static double D(JsonNode node, string key) => node[key]!.GetValue<double>();

    private static string Join(JsonNode? array) => array is null || array.AsArray().Count == 0 ? "–" : string.Join(", ", array.AsArray().Select(s => s!.GetValue<string>()));
}
