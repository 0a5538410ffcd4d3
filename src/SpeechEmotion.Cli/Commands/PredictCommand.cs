using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Data;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser predict [--model M] WAV|DIR... [--json] [--speaker-of folder|emodb|all|file]`: top emotion and all
/// probabilities per file, in the order given; bad files are reported, the rest go on. Files are predicted together in
/// length-sorted batches; a speaker-normalised model standardises each speaker group with that group's statistics.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model file (default: models/emodb.ser of this repository)" };
        var paths = new Argument<string[]>("paths") { Description = "WAV files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per file on stdout" };
        var speakerOf = new Option<SpeakerGrouping>("--speaker-of")
        {
            Description = "For speaker-normalised models: which files share a speaker (folder, emodb = the file name's two-digit prefix, all, file)",
            DefaultValueFactory = _ => SpeakerGrouping.Folder,
        };
        var device = new Option<string>("--device") { Description = Kernels.Backends.Help, DefaultValueFactory = _ => "cpu" };
        var command = new Command("predict", "Predict the emotion of WAV files; exit 1 if any file failed") { model, paths, json, speakerOf, device };
        command.SetAction(r => CliRunner.Run(() =>
            Run(r.GetValue(model) ?? DefaultModel(), r.GetValue(paths)!, r.GetValue(json), r.GetValue(speakerOf), r.GetValue(device)!)));
        return command;
    }

    private static string DefaultModel()
    {
        var root = DataPaths.RepositoryRoot();
        string path = Path.Combine(root ?? ".", "models", "emodb.ser");
        return File.Exists(path) ? path : throw new FileNotFoundException($"no --model given and the default {path} does not exist");
    }

    private static IEnumerable<string> Files(string path) => Directory.Exists(path)
        ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)
        : [path];

    private static int Run(string modelPath, string[] paths, bool json, SpeakerGrouping grouping, string device)
    {
        var saved = SavedModel.Load(modelPath);
        using var backend = Kernels.Backends.Create(device);
        using var model = saved.Instantiate(backend);
        bool perSpeaker = saved.Normalization == FeatureNormalization.Speaker;
        var frontEnd = FrontEnd.For(saved.Config);
        var files = paths.SelectMany(Files).ToList();
        var errors = new string?[files.Count];
        var examples = new List<(int File, Example Example)>();
        for (int i = 0; i < files.Count; i++)
        {
            try
            {
                string speaker = perSpeaker ? SpeakerGroups.Key(grouping, files[i]) : "";
                var features = frontEnd.Compute(WavReader.ReadMono16k(files[i]));
                examples.Add((i, new Example(new Utterance(files[i], saved.Labels[0], speaker), features, 0) { Width = frontEnd.Width }));
            }
            catch (Exception e) when (e is AudioFormatException or ArgumentException)
            {
                errors[i] = e is AudioFormatException a ? a.Reason : e.Message;
            }
        }
        if (perSpeaker) WarnAboutShortSpeakers(examples.Select(e => e.Example), grouping);

        var set = saved.Prepare(examples.Select(e => e.Example).ToList());
        bool regression = saved.Config.Task == Model.SerTask.Regression;
        var scores = regression ? Predictor.Scores(model, set) : null;
        var probabilities = regression ? null : Predictor.Probabilities(model, set);
        var row = examples.Select((e, k) => (e.File, k)).ToDictionary(p => p.File, p => p.k);
        for (int i = 0; i < files.Count; i++)
        {
            if (errors[i] is { } error) PrintError(files[i], error, json);
            else if (scores is not null) PrintScore(files[i], scores[row[i]], saved, json);
            else PrintProbabilities(files[i], probabilities![row[i]], saved, json);
        }
        return errors.Any(e => e is not null) ? 1 : 0;
    }

    /// <summary>Speaker statistics from little audio differ from training's; say so on stderr (stdout may be JSON).</summary>
    private static void WarnAboutShortSpeakers(IEnumerable<Example> examples, SpeakerGrouping grouping)
    {
        foreach (var speaker in examples.GroupBy(e => e.Utterance.Speaker))
        {
            double seconds = speaker.Sum(e => e.Frames) * (double)Spectrogram.Hop / Spectrogram.SampleRate;
            if (seconds < SpeakerGroups.MinSeconds)
                Console.Error.WriteLine($"warning: speaker-normalised model, speaker '{speaker.Key}' (--speaker-of {grouping.ToString().ToLowerInvariant()}) " +
                                        $"has {speaker.Count()} file(s), {seconds:F1} s of audio; its statistics need about {SpeakerGroups.MinSeconds:F0} s, so predictions are less reliable");
        }
    }

    private static void PrintError(string file, string reason, bool json)
    {
        if (json) Console.WriteLine(new JsonObject { ["path"] = file, ["error"] = reason }.ToJsonString());
        else AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {file}: {reason}");
    }

    private static void PrintScore(string file, double value, SavedModel saved, bool json)
    {
        if (json) Console.WriteLine(new JsonObject { ["path"] = file, ["score"] = Math.Round(value, 6) }.ToJsonString());
        else AnsiConsole.MarkupLineInterpolated($"{file}: score [bold]{value:F3}[/] (range ±{saved.Config.ScoreRange})");
    }

    private static void PrintProbabilities(string file, float[] probs, SavedModel saved, bool json)
    {
        int top = Predictor.ArgMax(probs);
        if (json)
        {
            var p = new JsonObject();
            for (int c = 0; c < probs.Length; c++) p[saved.Labels[c]] = Math.Round(probs[c], 6);
            Console.WriteLine(new JsonObject { ["path"] = file, ["emotion"] = saved.Labels[top], ["probabilities"] = p }.ToJsonString());
        }
        else
        {
            var ranked = Enumerable.Range(0, probs.Length).OrderByDescending(c => probs[c]).Select(c => $"{saved.Labels[c]} {probs[c]:P1}");
            AnsiConsole.MarkupLineInterpolated($"{file}: [bold]{saved.Labels[top]}[/] ({string.Join(", ", ranked)})");
        }
    }
}
