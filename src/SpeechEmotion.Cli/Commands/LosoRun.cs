using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>One LOSO run and its reports (report.json, report.md, pictures): what `ser loso` runs, and what `ser sweep`
/// (once per setting) and `ser suite` (once per cell) share, so that no command calls another.</summary>
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
        var report = RunReport.Of(labels, results, model, training, protocol, device);
        RunReportWriter.Write(
            outDir,
            report,
            $"{data.Corpus.Name}: {protocol}",
            $"{data.Corpus.Name} {protocol}",
            results,
            plots
        );
        return 0;
    }
}
