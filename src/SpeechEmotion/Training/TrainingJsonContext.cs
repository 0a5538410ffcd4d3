using System.Text.Json.Serialization;

namespace SpeechEmotion.Training;

/// <summary>Source-generated JSON for training options and epoch histories (model summaries, checkpoints, reports):
/// no reflection, so the native `ser` trains too. Enums are written by name; nulls (an epoch without validation) are
/// left out.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull
)]
[JsonSerializable(typeof(TrainingOptions))]
[JsonSerializable(typeof(Features.FrontEnd))]
[JsonSerializable(typeof(List<EpochRecord>))]
[JsonSerializable(typeof(IReadOnlyList<EpochRecord>))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;
