using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechEmotion.Features;
using SpeechEmotion.Model;

namespace SpeechEmotion.Serialization;

/// <summary>
/// A model as safetensors: every parameter under its PyTorch name and shape (so torch.nn.GRU, nn.MultiheadAttention
/// and nn.Linear modules with those names load it with load_state_dict), the input normaliser as "normalizer.mean" and
/// "normalizer.std", and the rest (config, labels, normalisation, summary) as JSON strings in the metadata, so that
/// <see cref="FromSafeTensors"/> gives back the same model, value for value.
/// </summary>
public static class ModelExport
{
    private const string Format = "speechemotion-ser-1";

    public static void ToSafeTensors(SavedModel model, string path)
    {
        using var backend = new Engine.Cpu.CpuBackend<float>(1);
        using var network = model.Instantiate(backend); // checks every parameter and gives the shapes
        var tensors = new List<NamedTensor>
        {
            new("normalizer.mean", [model.Normalizer.Bins], model.Normalizer.Mean),
            new("normalizer.std", [model.Normalizer.Bins], model.Normalizer.Std),
        };
        tensors.AddRange(
            network.Parameters.All.Select(p => new NamedTensor(p.Name, p.Shape, model.Parameters[p.Name]))
        );
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["config"] = JsonSerializer.Serialize(model.Config, ModelJsonContext.Default.ModelConfig),
            ["labels"] = new JsonArray(model.Labels.Select(l => (JsonNode)l).ToArray()).ToJsonString(),
            ["normalization"] = model.Normalization.ToString(),
            ["summary"] = model.Summary.ToJsonString(),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    public static SavedModel FromSafeTensors(string path)
    {
        var (tensors, metadata) = SafeTensors.Read(path);
        if (metadata.GetValueOrDefault("format") != Format)
            throw new ModelFileException(
                path,
                "not exported by `ser export` (its metadata lacks format " + Format + ")"
            );
        try
        {
            var byName = tensors.ToDictionary(t => t.Name, t => t.Data);
            var header = new JsonObject
            {
                ["config"] = JsonNode.Parse(metadata["config"]),
                ["labels"] = JsonNode.Parse(metadata["labels"]),
                ["normalization"] = metadata["normalization"],
                ["summary"] = JsonNode.Parse(metadata["summary"]),
            };
            var all = byName
                .Where(t => !t.Key.StartsWith("normalizer.", StringComparison.Ordinal))
                .ToDictionary(t => "param:" + t.Key, t => t.Value);
            all["normalizer.mean"] = byName["normalizer.mean"];
            all["normalizer.std"] = byName["normalizer.std"];
            return SavedModel.FromParts(path, header, all, out _, out _);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or ArgumentException)
        {
            throw new ModelFileException(path, $"corrupted: {e.Message}", e);
        }
    }
}
