using System.Text.Json;
using System.Text.Json.Serialization;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>
/// report.json of a LOSO run (or of an ensemble of runs): the scores pooled over all folds, how the run was made (the
/// full model config and training options it ran with), the folds and every test utterance's prediction. Required
/// keys are checked on reading (source-generated JSON would leave a missing collection null, not empty).
/// </summary>
public sealed record RunReport : Scores
{
    public const string Regression = "regression";

    /// <summary>"classification" or "regression"; absent from the oldest reports, all classification.</summary>
    [JsonPropertyName("task")]
    public string? Task { get; init; }

    [JsonPropertyName("protocol"), JsonRequired]
    public string Protocol { get; init; } = "";

    /// <summary>How each fold's model was chosen, in words.</summary>
    [JsonPropertyName("selection"), JsonRequired]
    public string Selection { get; init; } = "";

    [JsonPropertyName("device"), JsonRequired]
    public string Device { get; init; } = "";

    /// <summary>Null in an ensemble: its members carry theirs.</summary>
    [JsonPropertyName("config")]
    public ModelConfig? Config { get; init; }

    [JsonPropertyName("training")]
    public TrainingOptions? Training { get; init; }

    [JsonPropertyName("members")]
    public IReadOnlyList<EnsembleMember>? Members { get; init; }

    [JsonPropertyName("folds"), JsonRequired]
    public IReadOnlyList<FoldReport> Folds { get; init; } = [];

    [JsonPropertyName("predictions"), JsonRequired]
    public IReadOnlyList<PredictionReport> Predictions { get; init; } = [];

    [JsonIgnore]
    public bool IsRegression => Task == Regression;

    public RunReport() { }

    private RunReport(Scores scores)
        : base(scores) { }

    public static RunReport Of(
        IReadOnlyList<string> labels,
        IReadOnlyList<FoldResult> folds,
        ModelConfig config,
        TrainingOptions options,
        string protocol,
        string device
    )
    {
        bool regression = config.Task == SerTask.Regression;
        var pooled = regression
            ? Of(FoldResult.Regression(folds.SelectMany(f => f.Predictions), config.ScoreRange))
            : Of(ClassificationMetrics.Sum(labels, folds.Select(f => f.Metrics(labels))));
        return new RunReport(pooled)
        {
            Task = regression ? Regression : "classification",
            Protocol = protocol,
            Selection = SelectionOf(options, folds),
            Device = device,
            Config = config,
            Training = options with { CheckpointPath = null },
            Folds = [.. folds.Select(f => FoldReport.Of(f, labels))],
            Predictions =
            [
                .. folds.SelectMany(f => f.Predictions).Select(p => PredictionReport.Of(p, labels, regression)),
            ],
        };
    }

    private static string SelectionOf(TrainingOptions options, IReadOnlyList<FoldResult> folds) =>
        options.Steps > 0
            ? $"about {options.Steps} optimiser steps per fold (epochs from the fold's training-set size)"
                + (
                    options.AverageLast > 0
                        ? $", the weights averaged over the last {100.0 * options.AverageLast / options.Epochs:F0} % "
                            + "of the epochs"
                        : ""
                )
                + "; no model or epoch is selected on test speakers"
        : options.AverageLast > 0
            ? $"the mean of the weights after each of the last {options.AverageLast} of {options.Epochs} epochs; "
                + "no model or epoch is selected on test speakers"
        : folds.Any(f => f.ValidationSpeakers.Length > 0)
            ? "early stopping on validation speakers taken from each fold's training speakers"
        : $"fixed epochs ({options.Epochs}); no model or epoch is selected on test speakers";

    /// <summary>Compact: report.md is the reading copy.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EvaluationJsonContext.Default.RunReport);

    /// <summary>Reads a report.json; errors name the file and what is wrong.</summary>
    public static RunReport Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist; finish that loso run first");
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), EvaluationJsonContext.Default.RunReport)
                ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a run report ({e.Message})");
        }
    }

    /// <summary>
    /// The folds of a classification report, predictions included (paths are file names), so that finished runs can
    /// be combined (<see cref="Ensemble"/>) without their folds/ folder. Reports written before the predictions
    /// carried probabilities are refused with that reason.
    /// </summary>
    public IReadOnlyList<FoldResult> Results(string source)
    {
        if (IsRegression || Labels is null)
            throw new InvalidDataException($"{source}: a regression report; ensembles combine classification runs");
        var labels = Labels.ToList();
        int Label(string? name) =>
            name is not null && labels.IndexOf(name) is var i and >= 0
                ? i
                : throw new InvalidDataException(
                    $"{source}: prediction label {name} is not one of the report's labels"
                );
        var predictions = Predictions
            .Select(p => new UtterancePrediction(
                p.Path,
                p.Speaker,
                Label(p.Truth),
                Label(p.Predicted),
                p.Probabilities
                    ?? throw new InvalidDataException(
                        $"{source}: its predictions carry no probabilities (written before "
                            + "they were recorded); combine its folds/ folder instead"
                    )
            ))
            .ToList();
        return
        [
            .. Folds.Select(f => new FoldResult(
                f.Speakers,
                f.ValidationSpeakers,
                f.Confusion ?? throw new InvalidDataException($"{source}: a fold without a confusion matrix"),
                f.Epochs,
                f.SelectedEpoch,
                Selection,
                f.Seconds,
                f.History,
                [.. predictions.Where(p => f.Speakers.Contains(p.Speaker))],
                Device: f.Device
            )),
        ];
    }
}

/// <summary>One run of an ensemble: its folder, UA and how it was made.</summary>
public sealed record EnsembleMember(
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("ua")] double? Ua,
    [property: JsonPropertyName("config")] ModelConfig? Config,
    [property: JsonPropertyName("training")] TrainingOptions? Training
);
