using System.Text.Json.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>One fold in report.json: its scores, speakers, epochs, time, device and training curve.</summary>
public sealed record FoldReport : Scores
{
    [JsonPropertyName("speakers"), JsonRequired]
    public string[] Speakers { get; init; } = [];

    [JsonPropertyName("validation_speakers"), JsonRequired]
    public string[] ValidationSpeakers { get; init; } = [];

    [JsonPropertyName("epochs")]
    public int Epochs { get; init; }

    [JsonPropertyName("selected_epoch")]
    public int SelectedEpoch { get; init; }

    [JsonPropertyName("seconds")]
    public double Seconds { get; init; }

    /// <summary>Folds resumed across runs may have run on different devices; null in older reports.</summary>
    [JsonPropertyName("device")]
    public string? Device { get; init; }

    [JsonPropertyName("history"), JsonRequired]
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    public FoldReport() { }

    private FoldReport(Scores scores)
        : base(scores) { }

    /// <summary>Six decimals of loss and score, tenths of seconds: what a curve needs, a third of the
    /// digits.</summary>
    public static FoldReport Of(FoldResult f, IReadOnlyList<string> labels) =>
        new(f.Sentiment is { } sentiment ? Of(sentiment) : Of(f.Metrics(labels)))
        {
            Speakers = f.Speakers,
            ValidationSpeakers = f.ValidationSpeakers,
            Epochs = f.Epochs,
            SelectedEpoch = f.SelectedEpoch,
            Seconds = Math.Round(f.Seconds, 1),
            Device = f.Device,
            History =
            [
                .. f.History.Select(e =>
                    e with
                    {
                        TrainLoss = Math.Round(e.TrainLoss, 6),
                        ValidationScore = e.ValidationScore is { } v ? Math.Round(v, 6) : null,
                        Seconds = Math.Round(e.Seconds, 1),
                    }
                ),
            ],
        };
}

/// <summary>One test utterance in report.json: its file name, speaker and either the true and predicted labels with
/// the probabilities (six decimals, enough for any comparison or ensemble) or the true and predicted scores.</summary>
public sealed record PredictionReport(
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("speaker")] string Speaker,
    [property: JsonPropertyName("truth")] string? Truth = null,
    [property: JsonPropertyName("predicted")] string? Predicted = null,
    [property: JsonPropertyName("probabilities")] float[]? Probabilities = null,
    [property: JsonPropertyName("score")] double? Score = null,
    [property: JsonPropertyName("predicted_score")] double? PredictedScore = null
)
{
    public static PredictionReport Of(UtterancePrediction p, IReadOnlyList<string> labels, bool regression) =>
        regression
            ? new(System.IO.Path.GetFileName(p.Path), p.Speaker, Score: p.Score, PredictedScore: p.PredictedScore)
            : new(
                System.IO.Path.GetFileName(p.Path),
                p.Speaker,
                labels[p.Truth],
                labels[p.Predicted],
                [.. p.Probabilities.Select(v => MathF.Round(v, 6))]
            );
}
