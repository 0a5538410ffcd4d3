using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser corpus DIR`: utterance counts per speaker × label, total duration, and every problem found.</summary>
internal static class CorpusCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Corpus folder (Emo-DB, IEMOCAP) or CSV manifest" };
        var format = EnumOption.Optional<CorpusFormat>("--format", "Corpus layout (default: detected from the path)");
        var strict = new Option<bool>("--strict") { Description = "Stop at the first problem instead of listing them" };
        var improvised = new Option<bool>("--improvised-only")
        {
            Description = "IEMOCAP: keep improvised dialogues only",
        };
        var command = new Command("corpus", "Count utterances per speaker and label, total duration, and problems")
        {
            path,
            format,
            strict,
            improvised,
        };
        command.SetAction(r =>
            CliRunner.Run(() => Run(r.GetValue(path)!, r.GetValue(format), r.GetValue(strict), r.GetValue(improvised)))
        );
        return command;
    }

    private static int Run(string path, CorpusFormat? format, bool strict, bool improvisedOnly)
    {
        var corpus = CorpusLoader.Load(path, format, strict, improvisedOnly);
        var problems = corpus.Problems.ToList();
        double seconds = 0;
        var readable = new List<Utterance>();
        foreach (var u in corpus.Utterances)
        {
            try
            {
                // Decoded in full, as training decodes it, so a file that train would skip is reported here too.
                seconds += WavReader.ReadMono16k(u.Path).Length / (double)WavReader.TargetSampleRate;
                readable.Add(u);
            }
            catch (AudioFormatException e)
            {
                if (strict)
                    throw;
                problems.Add(new CorpusProblem(u.Path, e.Reason));
            }
        }

        var table = new Table().Title(
            $"{corpus.Name}: {readable.Count} utterances, {corpus.Speakers.Count} speakers, {seconds:F1} s"
        );
        table.AddColumn("speaker");
        foreach (var label in corpus.Labels)
            table.AddColumn(new TableColumn(label).RightAligned());
        table.AddColumn(new TableColumn("total").RightAligned());
        foreach (var speaker in corpus.Speakers)
        {
            var row = readable.Where(u => u.Speaker == speaker).ToList();
            table.AddRow([
                speaker,
                .. corpus.Labels.Select(l => row.Count(u => u.Label == l).ToString()),
                row.Count.ToString(),
            ]);
        }
        table.AddRow([
            .. new[] { "total" }.Concat(corpus.Labels.Select(l => readable.Count(u => u.Label == l).ToString())),
            readable.Count.ToString(),
        ]);
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Total duration: {seconds:F1} s ({seconds / 60:F1} min)");
        if (problems.Count == 0)
        {
            AnsiConsole.MarkupLine("[green]No problems found.[/]");
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{problems.Count} problem(s):[/]");
            foreach (var p in problems)
                AnsiConsole.MarkupLineInterpolated($"  {p.Path}: {p.Reason}");
        }
        return 0;
    }
}
