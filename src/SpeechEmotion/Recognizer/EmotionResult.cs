namespace SpeechEmotion;

/// <summary>What a model heard in one piece of audio.</summary>
/// <param name="Label">The most probable emotion (empty for a regression model; see <see cref="Score"/>).</param>
/// <param name="Probabilities">Probability of every label of the model, in the model's label order; they sum to
/// 1.</param>
/// <param name="Duration">Length of the audio.</param>
/// <param name="ModelName">The model that produced it (its file name without extension).</param>
public sealed record EmotionResult(
    string Label,
    IReadOnlyDictionary<string, float> Probabilities,
    TimeSpan Duration,
    string ModelName
)
{
    /// <summary>Probability of <see cref="Label"/> (NaN for a regression model).</summary>
    public float Confidence => Probabilities.TryGetValue(Label, out var p) ? p : float.NaN;

    /// <summary>A regression (sentiment) model's score in ±its range; null for emotion classes.</summary>
    public double? Score { get; init; }

    /// <summary>How many windows were combined (1 unless the audio was longer than the window).</summary>
    public int Windows { get; init; } = 1;
}

/// <summary>One stretch of speech in a longer recording or a live stream, and what the model heard in it.</summary>
/// <param name="Start">Offset of the first sample from the start of the recording.</param>
/// <param name="End">Offset just after the last sample.</param>
/// <param name="Result">The recognition of the segment's audio.</param>
public sealed record EmotionSegment(TimeSpan Start, TimeSpan End, EmotionResult Result)
{
    /// <summary>The segment's most probable emotion.</summary>
    public string Label => Result.Label;

    /// <summary>Probability of every label.</summary>
    public IReadOnlyDictionary<string, float> Probabilities => Result.Probabilities;
}
