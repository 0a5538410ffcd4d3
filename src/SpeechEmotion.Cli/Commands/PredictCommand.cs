using System.CommandLine;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser predict [--model M] WAV|DIR... [--json] [--speaker-of folder|emodb|all|file]`: top emotion and all
/// probabilities per file, in the order given, printed batch by batch as they finish (memory bounded by the batch,
/// not the folder). Every failure is one line naming the file; the rest go on. Files longer than the recognizer's
/// window are recognised in windows whose probabilities are averaged, weighted by duration. A speaker-normalised
/// model standardises each speaker group with that group's statistics (a first pass over the files gathers them).
/// </summary>
internal static class PredictCommand
{
    private const int FilesPerBatch = 16;

    public static Command Create()
    {
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Model file (default: models/default.ser of this repository, else the built-in copy)",
        };
        var paths = new Argument<string[]>("paths")
        {
            Description = "WAV files or folders (searched recursively; links to folders are not followed)",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per file on stdout" };
        var speakerOf = EnumOption.WithDefault(
            "--speaker-of",
            "For speaker-normalised models: which files share a "
                + "speaker (folder, emodb = the file name's two-digit prefix, all, file)",
            SpeakerGrouping.Folder
        );
        var device = DeviceOption.Create();
        var command = new Command("predict", "Predict the emotion of WAV files; exit 1 if any file failed")
        {
            model,
            paths,
            json,
            speakerOf,
            device,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r.GetValue(model) ?? ModelPaths.Default(),
                    r.GetValue(paths)!,
                    r.GetValue(json),
                    r.GetValue(speakerOf),
                    r.GetValue(device)!
                )
            )
        );
        return command;
    }

    private static int Run(string? modelPath, string[] paths, bool json, SpeakerGrouping grouping, string device)
    {
        using var recognizer = RecognizerFactory.Open(modelPath, device);
        var output = new ResultPrinter(recognizer, modelPath, json);
        var errors = new Dictionary<string, string>();
        var contexts = recognizer.NeedsSpeakerContext ? SpeakerPass(recognizer, paths, grouping, errors) : null;
        bool failed = false;
        foreach (var batch in AudioFiles.Enumerate(paths).Chunk(FilesPerBatch))
        {
            var audio = new (float[]? Samples, string? Error)[batch.Length];
            Parallel.For(
                0,
                batch.Length,
                i =>
                    audio[i] =
                        batch[i].Error is { } e ? (null, e)
                        : errors.TryGetValue(batch[i].Path, out var known) ? (null, known)
                        : Read(batch[i].Path, recognizer.MaxWindowSeconds)
            );
            SpeakerContext? Speaker(int i) => contexts?.GetValueOrDefault(SpeakerGroups.Key(grouping, batch[i].Path));
            var results = new EmotionResult?[batch.Length];
            var whole = Enumerable.Range(0, batch.Length).Where(i => audio[i].Samples is { Length: > 0 }).ToList();
            try
            {
                var together = recognizer.RecognizeBatch(
                    whole.Select(i => audio[i].Samples!).ToList(),
                    whole.Select(Speaker).ToList()
                );
                for (int k = 0; k < whole.Count; k++)
                    results[whole[k]] = together[k];
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // One bad item fails a batch: go through them alone so the others still get their result.
            }
            for (int i = 0; i < batch.Length; i++)
            {
                if (results[i] is null && audio[i].Error is null)
                {
                    try
                    {
                        results[i] = recognizer.Recognize(batch[i].Path, Speaker(i));
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        audio[i] = (null, e is AudioFormatException a ? a.Reason : e.Message);
                    }
                }
                if (audio[i].Error is { } error)
                    output.Error(batch[i].Path, error);
                else
                    output.Result(batch[i].Path, results[i]!);
                failed |= audio[i].Error is not null;
            }
        }
        return failed ? 1 : 0;
    }

    /// <summary>A file as 16 kHz samples, or why not; a file longer than two windows gives no samples (it is read
    /// window by window later, so one long file does not hold the batch's memory).</summary>
    private static (float[]?, string?) Read(string path, double windowSeconds)
    {
        try
        {
            using var reader = Mono16kReader.Open(path);
            if (reader.Info.DurationSeconds > 2 * windowSeconds)
                return ([], null);
            return (reader.ReadToEnd(), null);
        }
        catch (AudioFormatException e)
        {
            return (null, e.Reason);
        }
    }

    /// <summary>First pass for a speaker-normalised model: each group's statistics over all its files.</summary>
    private static Dictionary<string, SpeakerContext> SpeakerPass(
        EmotionRecognizer recognizer,
        string[] paths,
        SpeakerGrouping grouping,
        Dictionary<string, string> errors
    )
    {
        var contexts = new Dictionary<string, SpeakerContext>();
        foreach (var entry in AudioFiles.Enumerate(paths).Where(e => e.Error is null))
        {
            try
            {
                string key = SpeakerGroups.Key(grouping, entry.Path);
                if (!contexts.TryGetValue(key, out var context))
                    contexts[key] = context = recognizer.CreateSpeakerContext();
                context.AddFile(entry.Path);
            }
            catch (Exception e) when (e is AudioFormatException or ArgumentException)
            {
                errors[entry.Path] = e is AudioFormatException a ? a.Reason : CliRunner.InFlags(e.Message);
            }
        }
        foreach (var (key, context) in contexts.Where(c => c.Value.Seconds < SpeakerContext.RecommendedSeconds))
            Console.Error.WriteLine(
                $"warning: speaker-normalised model, speaker '{Printable.Escape(key)}' "
                    + $"(--speaker-of {grouping.ToString().ToLowerInvariant()}) has {context.Seconds:F1} s of audio; "
                    + "its statistics need about "
                    + $"{SpeakerContext.RecommendedSeconds:F0} s, so predictions are less reliable"
            );
        return contexts;
    }
}
