using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser info [MODEL]`: what a model file is — network, front end, labels, normalisation, recipe and what it
/// was trained on — without running it.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Argument<string?>("model")
        {
            Description = "A .ser model file (default: the built-in model)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command(
            "info",
            "Describe a model: network, front end, labels, normalisation, recipe, training data"
        )
        {
            model,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                string? path = r.GetValue(model);
                var saved = path is null ? SavedModel.LoadBuiltIn() : SavedModel.Load(path);
                var summary = saved.Summary;
                string Value(string key) => summary[key]?.ToString() ?? "–";
                int count = saved.Parameters.Values.Sum(p => p.Length);
                var options = summary["options"];
                var table = new Table().HideHeaders().AddColumns("", "");
                void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
                Row("model", path ?? "built in (models/default.ser)");
                Row("network", saved.Config.Architecture);
                Row("front end", saved.Config.InputFrontEnd().ToString());
                Row("task", saved.Config.Task.ToString().ToLowerInvariant());
                Row("labels", string.Join(", ", saved.Labels));
                Row(
                    "normalisation",
                    saved.Normalization switch
                    {
                        FeatureNormalization.Speaker =>
                            "speaker: needs each speaker's unlabelled audio (a speaker context)",
                        FeatureNormalization.Utterance =>
                            "utterance: each file's own statistics, works on a single file",
                        _ => "global: training-set statistics, works on a single file",
                    }
                );
                Row("parameters", count.ToString("N0", CultureInfo.InvariantCulture));
                Row("recipe", options?["Recipe"]?.ToString() ?? "– (trained before recipes were recorded)");
                Row("epochs", $"{Value("epochs")} ({Value("selection")})");
                Row("training utterances", Value("train_utterances"));
                Row(
                    "training speakers",
                    summary["train_speakers"]?.AsArray().Count is { } n
                        ? $"{n}: {string.Join(", ", summary["train_speakers"]!.AsArray().Take(12))}"
                            + (n > 12 ? ", …" : "")
                        : "–"
                );
                Row("trained on", Value("device"));
                AnsiConsole.Write(table);
                return 0;
            })
        );
        return command;
    }
}
