using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser loso`: leave-one-speaker-out evaluation with per-fold normalisers; completed folds are kept and
/// skipped on rerun.</summary>
internal static class LosoCommand
{
    public static Command Create()
    {
        var args = new TrainingArgs();
        var folds = new Option<string>("--folds")
        {
            Description = "all, or comma-separated test speakers (one fold each)",
            DefaultValueFactory = _ => "all",
        };
        var groups = new Option<int>("--fold-groups")
        {
            Description = "Make K speaker-disjoint groups instead of one fold per speaker",
        };
        var val = new Option<int>("--val-count")
        {
            Description = "Training speakers per fold held out for early stopping (default 0: fixed epochs)",
        };
        var randomSplit = new Option<double?>("--random-split")
        {
            Description =
                "Instead of LOSO: a random stratified utterance split with this test fraction (speaker-DEPENDENT, "
                + "for comparison with papers)",
        };
        var trainAlso = new Option<string[]>("--train-also")
        {
            Description =
                "A corpus (FORMAT:PATH, as --data) whose utterances join every fold's training set and are "
                + "never tested; give it again for more",
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Write no PNGs (report.json and report.md only)" };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder (report.json, report.md, confusion.png, curves.png, folds/)",
            DefaultValueFactory = _ => "reports/loso",
        };
        var command = new Command(
            "loso",
            "Leave-one-speaker-out evaluation; rerun the same command to continue an interrupted run"
        )
        {
            folds,
            groups,
            val,
            randomSplit,
            trainAlso,
            noPlots,
            report,
        };
        args.AddTo(command);
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r,
                    args,
                    r.GetValue(folds)!,
                    r.GetValue(groups),
                    r.GetValue(val),
                    r.GetValue(report)!,
                    randomSplit: r.GetValue(randomSplit),
                    trainAlso: r.GetValue(trainAlso) ?? [],
                    plots: !r.GetValue(noPlots)
                )
            )
        );
        return command;
    }

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
