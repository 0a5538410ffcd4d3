using System.Text.Json.Serialization;

namespace SpeechEmotion.Evaluation;

/// <summary>Source-generated JSON for a finished fold (fold.json, read back when a run resumes): compact, nulls left
/// out, since a run writes one per fold and per-utterance predictions dominate it.</summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(FoldResult))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
