using System.Reflection;
using System.Text.Json.Nodes;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;

namespace SpeechEmotion.Training;

/// <summary>
/// A training recipe: front end, model shape and optimisation in one JSON file (recipes/*.json, built into the
/// library so that names work anywhere). Each section gives only what differs from the defaults:
/// <c>{"description": "…", "frontEnd": {"Kind": "Mel", "Bands": 64, "Deltas": true}, "model": {"Heads": 8},
/// "training": {"Epochs": 30}}</c>; an unknown setting is an error. The model's input size follows from the front end.
/// </summary>
public sealed record Recipe(
    string Name,
    string Description,
    FrontEnd FrontEnd,
    ModelConfig Model,
    TrainingOptions Training
)
{
    private const string Prefix = "SpeechEmotion.recipes.";

    /// <summary>The recipes built into the library, by name.</summary>
    public static IReadOnlyList<string> BuiltIn { get; } =
        Assembly
            .GetExecutingAssembly()
            .GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^".json".Length])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A built-in recipe by name, or a recipe file by path; errors name the file and the reason.</summary>
    public static Recipe Load(string nameOrPath)
    {
        if (File.Exists(nameOrPath))
            return Parse(File.ReadAllText(nameOrPath), Path.GetFileNameWithoutExtension(nameOrPath), nameOrPath);
        using var stream =
            Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + nameOrPath + ".json")
            ?? throw new ArgumentException(
                $"unknown recipe '{nameOrPath}': not a file, nor one of " + string.Join(", ", BuiltIn)
            );
        return Parse(new StreamReader(stream).ReadToEnd(), nameOrPath, nameOrPath);
    }

    /// <summary>Reads recipe JSON; <paramref name="source"/> names it in errors.</summary>
    public static Recipe Parse(string json, string name, string source)
    {
        try
        {
            if (JsonNode.Parse(json) is not JsonObject root)
                throw new InvalidDataException("not a JSON object");
            foreach (var (key, _) in root)
                if (key is not ("description" or "frontEnd" or "model" or "training"))
                    throw new InvalidDataException(
                        $"unknown section '{key}' (expected description, frontEnd, model, training)"
                    );
            var frontEnd = FrontEndOf(Section(root, "frontEnd"));
            var model = JsonDefaults
                .Merge(new ModelConfig(), Section(root, "model"), ModelJsonContext.Default.ModelConfig, strict: true)
                .WithFrontEnd(frontEnd);
            var training = JsonDefaults.Merge(
                new TrainingOptions(),
                Section(root, "training"),
                TrainingJsonContext.Default.TrainingOptions,
                strict: true
            ) with
            {
                Recipe = name,
            };
            model.Validate();
            training.Validate();
            _ = model.InputFrontEnd(); // the front end and the model agree
            return new Recipe(name, root["description"]?.GetValue<string>() ?? "", frontEnd, model, training);
        }
        catch (Exception e)
            when (e
                    is System.Text.Json.JsonException
                        or InvalidDataException
                        or ArgumentException
                        or InvalidOperationException
                        or FormatException
            )
        {
            throw new InvalidDataException($"recipe {source}: {e.Message}", e);
        }
    }

    /// <summary>The front end section over the paper's; mel bands default to 64, the functionals are fixed.</summary>
    private static FrontEnd FrontEndOf(JsonObject section)
    {
        var frontEnd = JsonDefaults.Merge(FrontEnd.Paper, section, TrainingJsonContext.Default.FrontEnd, strict: true);
        return frontEnd.Kind switch
        {
            FeatureKind.Functionals => frontEnd is { Deltas: false, Pitch: false }
                ? FrontEnd.Functionals
                : throw new InvalidDataException("the functionals take no deltas or pitch"),
            FeatureKind.Mel when !section.ContainsKey(nameof(FrontEnd.Bands)) => frontEnd with { Bands = 64 },
            _ => frontEnd,
        };
    }

    private static JsonObject Section(JsonObject root, string name) =>
        root[name] switch
        {
            null => [],
            JsonObject section => section,
            _ => throw new InvalidDataException($"'{name}' must be an object"),
        };
}
