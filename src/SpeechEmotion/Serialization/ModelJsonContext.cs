using System.Text.Json.Serialization;
using SpeechEmotion.Model;

namespace SpeechEmotion.Serialization;

/// <summary>
/// Source-generated JSON for what a model file's header holds, so that loading a model needs no reflection (the
/// NativeAOT library and the native `ser` read models through it). Enums are written by name.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelConfig))]
public sealed partial class ModelJsonContext : JsonSerializerContext;
