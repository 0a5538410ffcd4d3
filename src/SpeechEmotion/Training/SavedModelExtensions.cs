using SpeechEmotion.Serialization;

namespace SpeechEmotion.Training;

/// <summary>What Training adds to a model file (Serialization sits below Training and knows no examples).</summary>
public static class SavedModelExtensions
{
    /// <summary>The examples standardised the way this model was trained.</summary>
    public static NormalizedSet Prepare(this SavedModel model, IReadOnlyList<Example> examples) =>
        new(examples, model.Normalizer, model.Normalization);
}
