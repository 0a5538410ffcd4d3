using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// Help with every enum option's default in lower case, as users type it and as the choices beside it read
/// (`--precision &lt;fp32|tf32&gt; ... [default: fp32]`): System.CommandLine prints the .NET name (`Fp32`) and
/// offers no public hook for it, so the help text is written to a buffer and those defaults rewritten.
/// </summary>
internal sealed partial class LowerCaseHelp(HelpAction help, IReadOnlySet<string> defaults)
    : SynchronousCommandLineAction
{
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        var defaults = Commands(root)
            .SelectMany(c => c.Options)
            .Where(o => o.ValueType.IsEnum && o.HasDefaultValue)
            .Select(o => o.GetDefaultValue()?.ToString() ?? "")
            .ToHashSet();
        option.Action = new LowerCaseHelp((HelpAction)option.Action!, defaults);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        var buffer = new StringWriter();
        configuration.Output = buffer;
        try
        {
            help.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }
        output.Write(
            Default()
                .Replace(
                    buffer.ToString(),
                    m =>
                        defaults.Contains(m.Groups[1].Value)
                            ? $"[default: {m.Groups[1].Value.ToLowerInvariant()}]"
                            : m.Value
                )
        );
        return 0;
    }

    private static IEnumerable<Command> Commands(Command command) =>
        command.Subcommands.SelectMany(Commands).Prepend(command);

    [GeneratedRegex(@"\[default: (\w+)\]")]
    private static partial Regex Default();
}
