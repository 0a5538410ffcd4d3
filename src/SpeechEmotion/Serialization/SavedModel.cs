using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using SpeechEmotion.Features;
using SpeechEmotion.Model;

namespace SpeechEmotion.Serialization;

/// <summary>
/// Everything needed to predict: model config, label names, the normaliser fitted on the training data, the parameter
/// tensors under their PyTorch names, and a summary of the training run (free-form JSON).
/// </summary>
public sealed record SavedModel(
    ModelConfig Config,
    IReadOnlyList<string> Labels,
    FeatureNormalizer Normalizer,
    IReadOnlyDictionary<string, float[]> Parameters,
    JsonObject Summary
)
{
    /// <summary>How features are standardised before the model (stored in the file).</summary>
    public FeatureNormalization Normalization { get; init; }

    public void Save(string path, JsonObject? extraHeader = null, IReadOnlyList<(string, float[])>? extraTensors = null)
    {
        var header = new JsonObject
        {
            ["kind"] = extraHeader is null ? "model" : "checkpoint",
            ["config"] = JsonSerializer.SerializeToNode(Config, ModelJsonContext.Default.ModelConfig),
            ["labels"] = new JsonArray(Labels.Select(l => (JsonNode)l).ToArray()),
            ["summary"] = Summary.DeepClone(),
            ["normalization"] = Normalization.ToString(),
        };
        if (extraHeader is not null)
            header["state"] = extraHeader.DeepClone();
        var tensors = new List<(string, float[])>
        {
            ("normalizer.mean", Normalizer.Mean),
            ("normalizer.std", Normalizer.Std),
        };
        tensors.AddRange(Parameters.Select(p => ("param:" + p.Key, p.Value)));
        if (extraTensors is not null)
            tensors.AddRange(extraTensors);
        ModelFile.Write(path, header, tensors);
    }

    public static SavedModel Load(string path) => Load(path, out _, out _);

    /// <summary>The model built into the library (models/default.ser as an embedded resource).</summary>
    public static SavedModel LoadBuiltIn()
    {
        using var stream =
            typeof(SavedModel).Assembly.GetManifestResourceStream("SpeechEmotion.default.ser")
            ?? throw new InvalidOperationException("the built-in model is missing from this build of SpeechEmotion");
        return Load(stream, "built-in model");
    }

    /// <summary>A model from a seekable stream (e.g. an embedded resource); name labels errors.</summary>
    public static SavedModel Load(Stream stream, string name)
    {
        var (header, tensors) = ModelFile.Read(stream, name);
        return FromParts(name, header, tensors, out _, out _);
    }

    public static SavedModel Load(
        string path,
        out JsonObject? state,
        out IReadOnlyDictionary<string, float[]> extraTensors
    )
    {
        var (header, tensors) = ModelFile.Read(path);
        return FromParts(path, header, tensors, out state, out extraTensors);
    }

    internal static SavedModel FromParts(
        string path,
        JsonObject header,
        Dictionary<string, float[]> tensors,
        out JsonObject? state,
        out IReadOnlyDictionary<string, float[]> extraTensors
    )
    {
        try
        {
            var config = ReadConfig(header["config"]);
            config.Validate();
            var labels = header["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
            if (labels.Count != config.Classes)
                throw new InvalidDataException($"{labels.Count} labels for {config.Classes} classes");
            if (labels.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new InvalidDataException($"label '{twice.Key}' appears twice");
            var normalizer = new FeatureNormalizer(tensors["normalizer.mean"], tensors["normalizer.std"]);
            static bool Is(string name, string prefix) => name.StartsWith(prefix, StringComparison.Ordinal);
            var parameters = tensors.Where(t => Is(t.Key, "param:")).ToDictionary(t => t.Key[6..], t => t.Value);
            state = header["state"]?.AsObject();
            extraTensors = tensors
                .Where(t => !Is(t.Key, "param:") && !Is(t.Key, "normalizer."))
                .ToDictionary(t => t.Key, t => t.Value);
            var normalization = Enum.Parse<FeatureNormalization>(
                header["normalization"]?.GetValue<string>() ?? nameof(FeatureNormalization.Global)
            );
            return new SavedModel(config, labels, normalizer, parameters, header["summary"]?.AsObject() ?? [])
            {
                Normalization = normalization,
            };
        }
        catch (Exception e)
            when (e
                    is JsonException
                        or InvalidDataException
                        or KeyNotFoundException
                        or ArgumentException
                        or InvalidOperationException
                        or NullReferenceException
            )
        {
            throw new ModelFileException(path, $"corrupted: {e.Message}", e);
        }
    }

    /// <summary>The config of a model file, laid over a default config (an older file lacks newer settings; a newer
    /// file's unknown ones are ignored).</summary>
    private static ModelConfig ReadConfig(JsonNode? stored) =>
        stored is JsonObject values
            ? JsonDefaults.Merge(new ModelConfig(), values, ModelJsonContext.Default.ModelConfig, strict: false)
            : throw new InvalidDataException("no config");

    /// <summary>Builds a model on a backend with these weights; every parameter must be present with its exact
    /// size.</summary>
    public SerModel<float> Instantiate(Engine.IBackend<float> backend)
    {
        var model = new SerModel<float>(backend, Config, seed: 0);
        var values = new float[model.Parameters.Count];
        foreach (var p in model.Parameters.All)
        {
            if (!Parameters.TryGetValue(p.Name, out var data))
                throw new InvalidDataException($"model file lacks parameter {p.Name}");
            if (data.Length != p.Length)
                throw new InvalidDataException($"parameter {p.Name} has {data.Length} values, expected {p.Length}");
            data.CopyTo(values, p.Offset);
        }
        model.Parameters.UploadValues(values);
        return model;
    }

    public static Dictionary<string, float[]> Extract(SerModel<float> model)
    {
        var values = model.Parameters.DownloadValues();
        return model.Parameters.All.ToDictionary(p => p.Name, p => values.AsSpan(p.Offset, p.Length).ToArray());
    }
}
