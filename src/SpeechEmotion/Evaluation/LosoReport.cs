using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>report.json and report.md of a LOSO run: pooled metrics over all folds, per-fold metrics, per-utterance
/// predictions.</summary>
public static class LosoReport
{
    public static JsonObject Json(
        IReadOnlyList<string> labels,
        IReadOnlyList<FoldResult> folds,
        ModelConfig config,
        TrainingOptions options,
        string protocol,
        string device
    )
    {
        var pooled = ClassificationMetrics.Sum(labels, folds.Select(f => f.Metrics(labels)));
        bool regression = config.Task == SerTask.Regression;
        var report = regression
            ? Sentiment(FoldResult.Regression(folds.SelectMany(f => f.Predictions), config.ScoreRange))
            : Metrics(pooled);
        report["task"] = regression ? "regression" : "classification";
        report["protocol"] = protocol;
        report["selection"] =
            options.Steps > 0
                ? $"about {options.Steps} optimiser steps per fold (epochs from the fold's training-set size)"
                    + (
                        options.AverageLast > 0
                            ? ", the weights averaged over the last "
                                + $"{100.0 * options.AverageLast / options.Epochs:F0} % of the epochs"
                            : ""
                    )
                    + "; no model or epoch is selected on test speakers"
            : options.AverageLast > 0
                ? $"the mean of the weights after each of the last {options.AverageLast} of {options.Epochs} epochs; "
                    + $"no model or epoch is selected on test speakers"
            : folds.Any(f => f.ValidationSpeakers.Length > 0)
                ? "early stopping on validation speakers taken from each fold's training speakers"
            : $"fixed epochs ({options.Epochs}); no model or epoch is selected on test speakers";
        report["device"] = device;
        report["config"] = JsonSerializer.SerializeToNode(config, ModelJsonContext.Default.ModelConfig);
        report["training"] = JsonSerializer.SerializeToNode(
            options with
            {
                CheckpointPath = null,
            },
            TrainingJsonContext.Default.TrainingOptions
        );
        report["folds"] = new JsonArray(
            folds
                .Select(f =>
                {
                    var fold = f.Sentiment is { } sentiment ? Sentiment(sentiment) : Metrics(f.Metrics(labels));
                    fold["speakers"] = Strings(f.Speakers);
                    fold["validation_speakers"] = Strings(f.ValidationSpeakers);
                    fold["epochs"] = f.Epochs;
                    fold["selected_epoch"] = f.SelectedEpoch;
                    fold["seconds"] = Math.Round(f.Seconds, 1);
                    fold["device"] = f.Device; // folds resumed across runs may have run on different devices
                    // Six decimals of loss and score, tenths of seconds: what a curve needs, a third of the digits.
                    fold["history"] = JsonSerializer.SerializeToNode(
                        f.History.Select(e =>
                                e with
                                {
                                    TrainLoss = Math.Round(e.TrainLoss, 6),
                                    ValidationScore = Round(e.ValidationScore, 6),
                                    Seconds = Math.Round(e.Seconds, 1),
                                }
                            )
                            .ToList(),
                        TrainingJsonContext.Default.IReadOnlyListEpochRecord
                    );
                    return (JsonNode)fold;
                })
                .ToArray()
        );
        report["predictions"] = new JsonArray(
            folds
                .SelectMany(f => f.Predictions)
                .Select(p =>
                    (JsonNode)(
                        regression
                            ? new JsonObject
                            {
                                ["path"] = Path.GetFileName(p.Path),
                                ["speaker"] = p.Speaker,
                                ["score"] = p.Score,
                                ["predicted_score"] = p.PredictedScore,
                            }
                            : new JsonObject
                            {
                                ["path"] = Path.GetFileName(p.Path),
                                ["speaker"] = p.Speaker,
                                ["truth"] = labels[p.Truth],
                                ["predicted"] = labels[p.Predicted],
                                // Six decimals: what any comparison or ensemble needs, a third fewer digits.
                                ["probabilities"] = new JsonArray(
                                    p.Probabilities.Select(v => (JsonNode)MathF.Round(v, 6)).ToArray()
                                ),
                            }
                    )
                )
                .ToArray()
        );
        return report;
    }

    /// <summary>
    /// The folds of a classification report.json, predictions included (paths are file names), so that finished runs
    /// can be combined (<see cref="Ensemble"/>) without their folds/ folder. Reports written before the predictions
    /// carried probabilities are refused with that reason.
    /// </summary>
    public static IReadOnlyList<FoldResult> Folds(JsonNode report, string source)
    {
        if (report["task"]?.GetValue<string>() == "regression")
            throw new InvalidDataException($"{source}: a regression report; ensembles combine classification runs");
        var labels = report["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        int Label(JsonNode? name) =>
            labels.IndexOf(name!.GetValue<string>()) is var i and >= 0
                ? i
                : throw new InvalidDataException(
                    $"{source}: prediction label {name} is not one of the report's labels"
                );
        var predictions = report["predictions"]!
            .AsArray()
            .Select(p => new UtterancePrediction(
                p!["path"]!.GetValue<string>(),
                p["speaker"]!.GetValue<string>(),
                Label(p["truth"]),
                Label(p["predicted"]),
                p["probabilities"]?.AsArray().Select(v => v!.GetValue<float>()).ToArray()
                    ?? throw new InvalidDataException(
                        $"{source}: its predictions carry no probabilities (written before "
                            + "they were recorded); combine its folds/ folder instead"
                    )
            ))
            .ToList();
        string selection = report["selection"]?.GetValue<string>() ?? "";
        return report["folds"]!
            .AsArray()
            .Select(f =>
            {
                var speakers = f!["speakers"]!.AsArray().Select(s => s!.GetValue<string>()).ToArray();
                var history = f["history"]?.Deserialize(TrainingJsonContext.Default.IReadOnlyListEpochRecord) ?? [];
                return new FoldResult(
                    speakers,
                    f["validation_speakers"]?.AsArray().Select(s => s!.GetValue<string>()).ToArray() ?? [],
                    f["confusion"]!
                        .AsArray()
                        .Select(r => r!.AsArray().Select(v => v!.GetValue<int>()).ToArray())
                        .ToArray(),
                    f["epochs"]!.GetValue<int>(),
                    f["selected_epoch"]!.GetValue<int>(),
                    selection,
                    f["seconds"]!.GetValue<double>(),
                    history,
                    predictions.Where(p => speakers.Contains(p.Speaker)).ToList(),
                    Device: f["device"]?.GetValue<string>()
                );
            })
            .ToList();
    }

    private static JsonObject Metrics(ClassificationMetrics m) =>
        new()
        {
            ["ua"] = m.Ua,
            ["wa"] = m.Wa,
            ["macro_precision"] = m.MacroPrecision,
            ["macro_recall"] = m.MacroRecall,
            ["macro_f1"] = m.MacroF1,
            ["utterances"] = m.Total,
            ["labels"] = Strings(m.Labels),
            ["per_class_recall"] = new JsonArray(
                m.PerClassRecall.Select(r => (JsonNode?)(double.IsNaN(r) ? null : r)).ToArray()
            ),
            ["confusion"] = new JsonArray(
                m.Confusion.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray()
            ),
        };

    /// <summary>The sentiment-regression keys of the multimodal sentiment literature (MMSA).</summary>
    private static JsonObject Sentiment(SentimentMetrics m) =>
        new()
        {
            ["mae"] = m.Mae,
            ["corr"] = double.IsFinite(m.Corr) ? m.Corr : null,
            ["acc_2"] = m.Acc2,
            ["acc_2_nonzero"] = double.IsFinite(m.Acc2NonZero) ? m.Acc2NonZero : null,
            ["f1"] = m.F1,
            ["f1_nonzero"] = double.IsFinite(m.F1NonZero) ? m.F1NonZero : null,
            ["acc_5"] = m.Acc5,
            ["acc_7"] = m.Acc7,
        };

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)v).ToArray());

    public static string Markdown(JsonObject report, string title)
    {
        if (report["task"]?.GetValue<string>() == "regression")
            return RegressionMarkdown(report, title);
        var labels = report["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        var confusion = report["confusion"]!
            .AsArray()
            .Select(r => r!.AsArray().Select(v => v!.GetValue<int>()).ToArray())
            .ToArray();
        var recall = report["per_class_recall"]!.AsArray().Select(r => r?.GetValue<double>()).ToArray();
        var sb = new StringBuilder();
        string P(double v) => (100 * v).ToString("F2", CultureInfo.InvariantCulture);
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine(
                $"Protocol: {report["protocol"]}. Model selection: {report["selection"]}. Device: {report["device"]}."
            )
            .AppendLine();
        sb.AppendLine("| UA (%) | WA (%) | macro P (%) | macro R (%) | macro F1 (%) | utterances |")
            .AppendLine("|---|---|---|---|---|---|");
        sb.AppendLine(
                $"| {P(D(report, "ua"))} | {P(D(report, "wa"))} | {P(D(report, "macro_precision"))} | "
                    + $"{P(D(report, "macro_recall"))} | {P(D(report, "macro_f1"))} | {report["utterances"]} |"
            )
            .AppendLine();
        sb.AppendLine("## Recall per emotion (cf. the paper's Table 4)").AppendLine();
        sb.AppendLine("| " + string.Join(" | ", labels) + " |")
            .AppendLine("|" + string.Concat(labels.Select(_ => "---|")));
        sb.AppendLine("| " + string.Join(" | ", recall.Select(r => r is null ? "–" : P(r.Value))) + " |").AppendLine();
        sb.AppendLine("## Confusion matrix, rows = true, columns = predicted, % of row (cf. the paper's Table 5)")
            .AppendLine();
        sb.AppendLine("| true \\ predicted | " + string.Join(" | ", labels) + " | n |")
            .AppendLine("|---|" + string.Concat(labels.Select(_ => "---|")) + "---|");
        for (int t = 0; t < labels.Count; t++)
        {
            int n = confusion[t].Sum();
            sb.AppendLine(
                $"| {labels[t]} | "
                    + string.Join(" | ", confusion[t].Select(c => n == 0 ? "–" : $"{P((double)c / n)} ({c})"))
                    + $" | {n} |"
            );
        }
        sb.AppendLine().AppendLine("## Folds").AppendLine();
        sb.AppendLine(
                "| test speakers | validation speakers | UA (%) | WA (%) | epochs | selected epoch | seconds | device |"
            )
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in report["folds"]!.AsArray())
            sb.AppendLine(
                $"| {Join(f!["speakers"])} | {Join(f["validation_speakers"])} | {P(D(f, "ua"))} | {P(D(f, "wa"))} | "
                    + $"{f["epochs"]} | {f["selected_epoch"]} | {f["seconds"]} | "
                    + $"{f["device"]?.GetValue<string>() ?? "not recorded"} |"
            );
        return sb.ToString();
    }

    /// <summary>Like the paper's Table 7: MAE, correlation, Acc-2 (with and without zero labels), F1, Acc-5,
    /// Acc-7.</summary>
    private static string RegressionMarkdown(JsonObject report, string title)
    {
        var sb = new StringBuilder();
        string V(JsonNode? n, string key, bool percent) =>
            n?[key] is { } v
                ? (
                    percent
                        ? (100 * v.GetValue<double>()).ToString("F2", CultureInfo.InvariantCulture)
                        : v.GetValue<double>().ToString("F3", CultureInfo.InvariantCulture)
                )
                : "–";
        string Row(JsonNode? n) =>
            $"| {V(n, "mae", false)} | {V(n, "corr", false)} | {V(n, "acc_2", true)} | {V(n, "acc_2_nonzero", true)} "
            + $"| {V(n, "f1", true)} | {V(n, "acc_5", true)} | {V(n, "acc_7", true)} |";
        const string header =
            "| MAE | Corr | Acc-2 (%) | Acc-2 non-zero (%) | F1 (%) | Acc-5 (%) | Acc-7 (%) "
            + "|\n|---|---|---|---|---|---|---|";
        sb.AppendLine($"# {title}").AppendLine();
        sb.AppendLine(
                $"Protocol: {report["protocol"]}. Model selection: {report["selection"]}. Device: {report["device"]}."
            )
            .AppendLine();
        sb.AppendLine("## Pooled over all folds (cf. the paper's Table 7)")
            .AppendLine()
            .AppendLine(header)
            .AppendLine(Row(report))
            .AppendLine();
        sb.AppendLine("## Folds").AppendLine();
        sb.AppendLine("| test speakers | " + header[2..].Split('\n')[0])
            .AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in report["folds"]!.AsArray())
            sb.AppendLine($"| {Join(f!["speakers"])} " + Row(f));
        return sb.ToString();
    }

    private static double D(JsonNode node, string key) => node[key]!.GetValue<double>();

    private static string Join(JsonNode? array) =>
        array is null || array.AsArray().Count == 0
            ? "–"
            : string.Join(", ", array.AsArray().Select(s => s!.GetValue<string>()));
}
