using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>One utterance's outcome, kept so that runs can be compared per utterance (ANOVA) and audited.</summary>
public sealed record UtterancePrediction(
    string Path,
    string Speaker,
    int Truth,
    int Predicted,
    float[] Probabilities,
    double? Score = null,
    double? PredictedScore = null
);

/// <summary>A finished fold, stored as fold.json in its folder so that an interrupted LOSO run skips it when rerun;
/// it records the model config and training options it ran with (null in folds written before they were).</summary>
public sealed record FoldResult(
    string[] Speakers,
    string[] ValidationSpeakers,
    int[][] Confusion,
    int Epochs,
    int SelectedEpoch,
    string Selection,
    double Seconds,
    IReadOnlyList<EpochRecord> History,
    IReadOnlyList<UtterancePrediction> Predictions,
    double ScoreRange = 0,
    string? Device = null,
    ModelConfig? Config = null,
    TrainingOptions? Options = null
)
{
    /// <summary>Reads a fold.json written by <see cref="LosoRunner"/>; errors name the file.</summary>
    public static FoldResult Load(string path)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(
                    File.ReadAllText(path),
                    EvaluationJsonContext.Default.FoldResult
                ) ?? throw new InvalidDataException($"{path}: empty fold result");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: not a fold result ({e.Message})");
        }
    }

    public ClassificationMetrics Metrics(IReadOnlyList<string> labels) => new(labels, Confusion);

    /// <summary>Regression folds (ScoreRange &gt; 0): sentiment metrics of the predicted scores.</summary>
    public SentimentMetrics? Sentiment => ScoreRange > 0 ? Regression(Predictions, ScoreRange) : null;

    public static SentimentMetrics Regression(IEnumerable<UtterancePrediction> predictions, double range)
    {
        var list = predictions.ToList();
        return SentimentMetrics.Compute(
            list.Select(p => p.PredictedScore!.Value).ToList(),
            list.Select(p => p.Score!.Value).ToList(),
            range
        );
    }

    /// <summary>One line for progress output.</summary>
    public string Summary(IReadOnlyList<string> labels) =>
        Sentiment is { } s
            ? $"r {s.Corr:F3}, MAE {s.Mae:F3}, Acc-2 {s.Acc2:P1}"
            : $"UA {Metrics(labels).Ua:P2}, WA {Metrics(labels).Wa:P2}";
}
