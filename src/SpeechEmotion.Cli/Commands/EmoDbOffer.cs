using Spectre.Console;
using SpeechEmotion.Data;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// The default corpus of train/loso/sweep when --data is not given: data/emodb, else $SER_DATA/emodb; when neither
/// exists an interactive session is offered the download (`ser download emodb`), a script gets an error saying what to
/// do.
/// </summary>
internal static class EmoDbOffer
{
    /// <param name="ask">Asks a yes/no question; null when nobody can answer (output or input redirected).</param>
    public static string Resolve(
        string local,
        string shared,
        Func<string, bool>? ask,
        string url = EmoDbDownload.OfficialUrl
    )
    {
        if (Directory.Exists(local))
            return local;
        if (Directory.Exists(shared))
            return shared;
        string missing = $"no corpus given and neither {local} nor {shared} exists";
        if (
            ask is null
            || !ask(
                $"{missing}. Download Emo-DB from {url} into {local} now (≈ 40 MB, every file checked against SHA-256)?"
            )
        )
            throw new DirectoryNotFoundException($"{missing}; pass --data DIR or run `ser download emodb`");
        DownloadCommand.Fetch(url, local);
        return local;
    }

    /// <summary>Spectre's confirmation prompt when the console is interactive.</summary>
    public static Func<string, bool>? ConsolePrompt() =>
        AnsiConsole.Profile.Capabilities.Interactive
            ? question => AnsiConsole.Confirm(Markup.Escape(question), defaultValue: false)
            : null;
}
