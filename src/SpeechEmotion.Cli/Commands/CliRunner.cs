using Spectre.Console;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Runs a command body and turns expected failures (bad files, missing folders) into one error line and exit
/// 1.</summary>
internal static class CliRunner
{
    /// <summary>The library names a setting as "setting Name" (it knows no flags); the CLI says the flag.</summary>
    private static readonly (string Setting, string Flag)[] Flags =
    [
        ("setting ConvChannels", "--conv C"),
        ("setting LearningRate", "--lr"),
        ("setting SpeakerGrouping", "--speaker-of"),
        ("setting Url", "--url"),
    ];

    internal static string InFlags(string message) =>
        Flags.Aggregate(message, (text, f) => text.Replace(f.Setting, f.Flag, StringComparison.Ordinal));

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
            when (e
                    is AudioFormatException
                        or CorpusException
                        or IOException
                        or ArgumentException
                        or InvalidDataException
                        or InvalidOperationException
                        or UnauthorizedAccessException
                        or Serialization.ModelFileException
                        or NotSupportedException
            )
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {InFlags(e.Message)}");
            return 1;
        }
        catch (TypeInitializationException e) when (e.GetBaseException() is DllNotFoundException missing)
        {
            // Plots draw through SkiaSharp, whose native libraries a copied native `ser` may have left behind.
            string name = missing.Message.Split('\'') is [_, var library, ..] ? library : "a native library";
            AnsiConsole.MarkupLineInterpolated(
                $"[red]error:[/] cannot load {name} (PNG output needs libSkiaSharp and libHarfBuzzSharp beside ser)"
            );
            return 1;
        }
    }
}
