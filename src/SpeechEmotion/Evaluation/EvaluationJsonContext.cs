using System.Text.Json.Serialization;

namespace SpeechEmotion.Evaluation;

/// <summary>Source-generated JSON for a finished fold (fold.json, read back when a run resumes) and a run's
/// report.json: compact (report.md is the reading copy), nulls left out, enums by name; the model config, training
/// options and epochs inside keep the names model files give them.</summary>
[JsonSourceGenerationOptions(
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(FoldResult))]
[JsonSerializable(typeof(RunReport))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
