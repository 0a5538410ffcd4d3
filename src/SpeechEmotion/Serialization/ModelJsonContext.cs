using System.Text.Json.Serialization;
using SpeechEmotion.Model;

namespace SpeechEmotion.Serialization;

/// <summary>
/// Source-generated JSON for what a model file's header holds, so that loading a model needs no reflection (the
/// NativeAOT library reads models through it). Enums are written by name, as the reflection options always did.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelConfig))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
