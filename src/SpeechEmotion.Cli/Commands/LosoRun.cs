using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>One LOSO run and its reports (report.json, report.md, pictures): what `ser loso` runs, and what `ser sweep`
/// (once per setting) and `ser ensemble` (the writer) share, so that no command calls another.</summary>
internal static class LosoRun
{
    /// <summary>Runs the folds; <paramref name="data"/> lets a sweep compute the features once for all its
    /// settings.</summary>
    public static int Run(
        ParseResult r,
        TrainingArgs args,
        string foldSpec,
        int groups,
        int val,
        string outDir,
        bool? attention = null,
        int? heads = null,
        double? randomSplit = null,
        FeatureSet? data = null,
        IReadOnlyList<string>? trainAlso = null,
        bool plots = true
    )
    {
        IReadOnlyList<string>? tested = null;
        data ??= args.LoadFeatures(r, trainAlso ?? [], out tested);
        tested ??= data.Corpus.Speakers;
        var (model, training) = args.Settings(r, data);
        model = model with { UseAttention = attention ?? model.UseAttention, Heads = heads ?? model.Heads };
        var plan = FoldPlan.Folds(tested, foldSpec, groups);
        var factory = args.BackendFactory(r);
        string device;
        using (var probe = factory())
            device = probe.Name;
        AnsiConsole.MarkupLineInterpolated(
            $"{plan.Count} folds, {model.Architecture}, {model.Loss} loss, {training.Epochs} epochs, report in {outDir}"
        );
        using var cancel = ConsoleObserver.CancelOnCtrlC();
        var runner = new LosoRunner(data, model, training, factory) { ValidationSpeakers = val };
        var labels = TrainingArgs.Labels(data, model);
        if (randomSplit is { } fraction and (<= 0 or >= 1))
            throw new ArgumentException("--random-split must be a fraction between 0 and 1");
        var results = randomSplit is { } testFraction
            ? ConsoleObserver.Run(
                o =>
                    runner.RunRandomSplit(testFraction, outDir, o, cancel.Token) is { } one
                        ? [one]
                        : new List<FoldResult>(),
                model.Task == SerTask.Regression
            )
            : ConsoleObserver.Run(o => runner.Run(plan, outDir, o, cancel.Token), model.Task == SerTask.Regression);
        if (randomSplit is not null)
            plan =
                results.Count == 1
                    ? [results[0].Speakers]
                    :
                    [
                        ["random"],
                    ];
        if (results.Count < plan.Count)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]interrupted[/] after {results.Count} of {plan.Count} folds; run the same command to continue"
            );
            return 130;
        }
        string protocol =
            randomSplit is { } f
                ? $"SPEAKER-DEPENDENT random stratified utterance split, {100 * (1 - f):F0}/{100 * f:F0} (test "
                    + $"speakers also train)"
            : groups > 0 ? $"speaker-independent, {plan.Count} speaker-disjoint groups"
            : $"leave-one-speaker-out, {plan.Count} folds";
        var always = data.Corpus.Speakers.Except(tested).Select(s => s.Split('/')[0]).Distinct().ToList();
        if (always.Count > 0)
            protocol += $"; every fold also trains on all of {string.Join(", ", always)}";
        var json = LosoReport.Json(labels, results, model, training, protocol, device);
        string title = $"{data.Corpus.Name}: {protocol}";
        Directory.CreateDirectory(outDir);
        if (plots)
            Plots.CurvesPng(
                results.Select(f => (string.Join(",", f.Speakers), f.History)).ToList(),
                Path.Combine(outDir, "curves.png")
            );
        if (model.Task == SerTask.Regression)
        {
            Write(outDir, json, title);
            MetricsView.Print(
                FoldResult.Regression(results.SelectMany(f => f.Predictions), model.ScoreRange),
                $"pooled over {results.Count} folds"
            );
            AnsiConsole.MarkupLineInterpolated($"wrote {outDir}/report.json, report.md{(plots ? ", curves.png" : "")}");
            return 0;
        }
        WriteClassification(outDir, json, title, $"{data.Corpus.Name} {protocol}", labels, results, plots);
        AnsiConsole.MarkupLineInterpolated(
            $"wrote {outDir}/report.json, report.md{(plots ? ", confusion.png, curves.png" : "")}"
        );
        return 0;
    }

    private static void Write(string outDir, JsonObject json, string title)
    {
        // Compact: report.md is the reading copy.
        File.WriteAllText(Path.Combine(outDir, "report.json"), json.ToJsonString());
        File.WriteAllText(Path.Combine(outDir, "report.md"), LosoReport.Markdown(json, title));
    }

    /// <summary>report.json, report.md and confusion.png of pooled classification folds, and the metrics on the
    /// console.</summary>
    public static void WriteClassification(
        string outDir,
        JsonObject json,
        string title,
        string plotTitle,
        IReadOnlyList<string> labels,
        IReadOnlyList<FoldResult> results,
        bool plots = true
    )
    {
        Directory.CreateDirectory(outDir);
        Write(outDir, json, title);
        var pooled = ClassificationMetrics.Sum(labels, results.Select(f => f.Metrics(labels)));
        if (plots)
            Plots.ConfusionPng(
                labels,
                pooled.Confusion,
                Path.Combine(outDir, "confusion.png"),
                $"{plotTitle}: UA {pooled.Ua:P1}"
            );
        MetricsView.Print(pooled, $"pooled over {results.Count} folds");
    }
}
