using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Data;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser download emodb [--to data/emodb] [--url U]`: fetch, verify every file against the shipped SHA-256
/// sums, unpack.</summary>
internal static class DownloadCommand
{
    public static Command Create()
    {
        var corpus = new Argument<string>("corpus")
        {
            Description = "emodb (the only corpus that may be downloaded freely)",
        };
        var to = new Option<string>("--to")
        {
            Description = "Target folder",
            DefaultValueFactory = _ => Path.Combine("data", "emodb"),
        };
        var url = new Option<string>("--url")
        {
            Description = "Archive: an http(s) or file:// address, or a local path",
            DefaultValueFactory = _ => EmoDbDownload.OfficialUrl,
        };
        var command = new Command("download", "Download and verify a public corpus") { corpus, to, url };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                if (r.GetValue(corpus) != "emodb")
                    throw new ArgumentException(
                        $"cannot download '{r.GetValue(corpus)}': only emodb is freely available (IEMOCAP needs a "
                            + $"licence from USC)"
                    );
                Fetch(r.GetValue(url)!, r.GetValue(to)!);
                return 0;
            })
        );
        return command;
    }

    /// <summary>Downloads, verifies and unpacks Emo-DB into <paramref name="to"/> with a spinner; returns the file
    /// count.</summary>
    public static int Fetch(string url, string to)
    {
        int files = AnsiConsole
            .Status()
            .Start($"downloading {url}…", _ => EmoDbDownload.RunAsync(url, to).GetAwaiter().GetResult());
        AnsiConsole.MarkupLineInterpolated($"verified and unpacked {files} files into {Path.Combine(to, "wav")}");
        return files;
    }
}
