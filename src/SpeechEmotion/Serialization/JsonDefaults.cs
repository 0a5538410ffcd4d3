using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace SpeechEmotion.Serialization;

/// <summary>Reads a settings object whose JSON may give only some of its properties.</summary>
public static class JsonDefaults
{
    /// <summary>
    /// Source-generated JSON sets every init-only property, so a setting the JSON leaves out would become 0 instead of
    /// its default: the given values are laid over <paramref name="defaults"/> first. With <paramref
    /// name="strict"/>, a name the type does not have is an error (a typo in a hand-written file must not be
    /// ignored).
    /// </summary>
    public static T Merge<T>(T defaults, JsonObject values, JsonTypeInfo<T> info, bool strict)
    {
        var merged = JsonSerializer.SerializeToNode(defaults, info)!.AsObject();
        foreach (var (name, value) in values)
        {
            if (strict && !merged.ContainsKey(name))
                throw new InvalidDataException(
                    $"unknown setting '{name}' (known: {string.Join(", ",
                    merged.Select(p => p.Key))})"
                );
            merged[name] = value?.DeepClone();
        }
        return merged.Deserialize(info) ?? throw new InvalidDataException("empty settings");
    }
}
