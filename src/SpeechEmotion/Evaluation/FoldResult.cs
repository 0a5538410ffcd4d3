using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>One utterance's outcome, kept so that runs can be compared per utterance (ANOVA) and audited.</summary>
public sealed record UtterancePrediction(string Path, string Speaker, int Truth, int Predicted, float[] Probabilities);

/// <summary>A finished fold, stored as fold.json in its folder so that an interrupted LOSO run skips it when rerun.</summary>
public sealed record FoldResult(string[] Speakers, string[] ValidationSpeakers, int[][] Confusion, int Epochs, int SelectedEpoch,
    string Selection, double Seconds, IReadOnlyList<EpochRecord> History, IReadOnlyList<UtterancePrediction> Predictions)
{
    public ClassificationMetrics Metrics(IReadOnlyList<string> labels) => new(labels, Confusion);
}
