using System.Text.Json.Serialization;

namespace SpeechEmotion.Evaluation;

/// <summary>Source-generated JSON for a finished fold (fold.json, read back when a run resumes).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FoldResult))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
