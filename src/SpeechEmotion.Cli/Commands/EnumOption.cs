using System.CommandLine;
using System.CommandLine.Parsing;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// Options over enums as users type them: lower-case names in help and errors (`--loss l1|crossentropy`, not
/// `<CrossEntropy|L1>`), any case accepted, short aliases (`ce`), and an unknown value answered with the choices
/// instead of a .NET type name.
/// </summary>
internal static class EnumOption
{
    /// <summary>An option whose value is null when not given (the recipe's or the detected value then
    /// applies).</summary>
    public static Option<T?> Optional<T>(string name, string description, params (string Alias, T Value)[] aliases)
        where T : struct, Enum =>
        new(name)
        {
            Description = description,
            HelpName = Choices<T>(),
            CustomParser = result => Parse(result, name, aliases),
        };

    /// <summary>An option with a default value.</summary>
    public static Option<T> WithDefault<T>(
        string name,
        string description,
        T defaultValue,
        params (string Alias, T Value)[] aliases
    )
        where T : struct, Enum =>
        new(name)
        {
            Description = description,
            HelpName = Choices<T>(),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse(result, name, aliases) ?? defaultValue,
        };

    private static string Choices<T>()
        where T : struct, Enum => string.Join("|", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    private static T? Parse<T>(ArgumentResult result, string name, (string Alias, T Value)[] aliases)
        where T : struct, Enum
    {
        string token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        foreach (var value in Enum.GetValues<T>())
            if (string.Equals(value.ToString(), token, StringComparison.OrdinalIgnoreCase))
                return value;
        foreach (var (alias, value) in aliases)
            if (string.Equals(alias, token, StringComparison.OrdinalIgnoreCase))
                return value;
        string extra = aliases.Length == 0 ? "" : $" (or {string.Join(", ", aliases.Select(a => a.Alias))})";
        result.AddError($"{name}: '{token}' is not one of {Choices<T>().Replace("|", ", ")}{extra}");
        return null;
    }
}
