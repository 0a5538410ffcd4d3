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

/// <summary>`ser predict [--model M] WAV|DIR... [--json]`: top emotion and all probabilities per file; bad files are reported, the rest go on.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model file (default: models/emodb.ser of this repository)" };
        var paths = new Argument<string[]>("paths") { Description = "WAV files or folders (searched recursively)", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per file on stdout" };
        var command = new Command("predict", "Predict the emotion of WAV files; exit 1 if any file failed") { model, paths, json };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(model) ?? DefaultModel(), r.GetValue(paths)!, r.GetValue(json))));
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

    private static int Run(string modelPath, string[] paths, bool json)
    {
        var saved = SavedModel.Load(modelPath);
        using var backend = new Engine.Cpu.CpuBackend<float>();
        using var model = saved.Instantiate(backend);
        int failed = 0;
        foreach (var file in paths.SelectMany(Files))
        {
            float[] probs;
            double? score = null;
            try
            {
                var features = Spectrogram.Compute<float>(WavReader.ReadMono16k(file));
                var set = saved.Prepare([new Example(new Utterance(file, saved.Labels[0], ""), features, 0)]);
                if (saved.Config.Task == Model.SerTask.Regression) score = Predictor.Scores(model, set)[0];
                probs = score is null ? Predictor.Probabilities(model, set)[0] : [];
            }
            catch (AudioFormatException e)
            {
                failed++;
                if (json) Console.WriteLine(new JsonObject { ["path"] = file, ["error"] = e.Reason }.ToJsonString());
                else AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
                continue;
            }
            if (score is { } value)
            {
                if (json) Console.WriteLine(new JsonObject { ["path"] = file, ["score"] = Math.Round(value, 6) }.ToJsonString());
                else AnsiConsole.MarkupLineInterpolated($"{file}: score [bold]{value:F3}[/] (range ±{saved.Config.ScoreRange})");
                continue;
            }
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
        return failed > 0 ? 1 : 0;
    }
}
