using System.CommandLine;
using SpeechEmotion.Corpora;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser evaluate --model M --data DIR [--speakers ...]`: the metrics of a saved model on a corpus.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model file", Required = true };
        var data = new Option<string>("--data") { Description = "Corpus folder or CSV manifest", Required = true };
        var format = EnumOption.Optional<CorpusFormat>("--format", "Corpus layout (default: detected)");
        var speakers = new Option<string?>("--speakers")
        {
            Description = "Comma-separated speakers to evaluate on (default: all)",
        };
        var labels = new Option<string?>("--labels")
        {
            Description = "Comma-separated labels to score on; other utterances are left out (default: all)",
        };
        var device = DeviceOption.Create();
        var command = new Command(
            "evaluate",
            "Print UA, WA, macro F1, per-class recall and the confusion matrix of a saved model"
        )
        {
            model,
            data,
            format,
            speakers,
            labels,
            device,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                var saved = SavedModel.Load(r.GetValue(model)!);
                var corpus = CorpusLoader.Load(r.GetValue(data)!, r.GetValue(format));
                if (TrainingArgs.Split(r.GetValue(labels)) is { Length: > 0 } only)
                    corpus = corpus.WithLabels(only);
                bool regression = saved.Config.Task == Model.SerTask.Regression;
                var set = FeatureSet.Load(corpus, regression, saved.Config.InputFrontEnd());
                var wanted = TrainingArgs.Split(r.GetValue(speakers));
                var examples = wanted.Length > 0 ? set.Speakers(wanted) : set.Examples;
                if (examples.Count == 0)
                    throw new ArgumentException("no utterances to evaluate (check --speakers)");
                var (seen, exact) = Trainer.SeenInTraining(saved.Summary, examples);
                string who = string.Join(", ", seen);
                if (seen.Count > 0)
                    Console.Error.WriteLine(
                        exact
                            ? $"warning: the model was trained on these very files of {who}: the numbers below are not "
                                + "speaker-independent"
                            : $"warning: the model was trained on speakers named {who}; if they are these speakers, "
                                + "the numbers below are not speaker-independent"
                    );
                using var backend = Devices.Open(r.GetValue(device)!);
                using var m = saved.Instantiate(backend);
                if (regression)
                {
                    MetricsView.Print(
                        Trainer.EvaluateRegression(m, saved.Prepare(examples)),
                        $"{r.GetValue(model)} on {corpus.Name}"
                    );
                    return 0;
                }
                var prepared = saved.Prepare(examples);
                bool same = corpus.Labels.SequenceEqual(saved.Labels);
                if (!same)
                {
                    string labels = string.Join(", ", corpus.Labels);
                    Console.Error.WriteLine(
                        $"note: scored on the corpus's {corpus.Labels.Count} labels ({labels}): each "
                            + $"utterance gets the most probable of those, out of the model's {saved.Labels.Count}"
                    );
                }
                var metrics = same
                    ? Trainer.Evaluate(m, prepared, saved.Labels)
                    : Trainer.EvaluateOnLabels(m, prepared, saved.Labels, corpus.Labels);
                MetricsView.Print(metrics, $"{r.GetValue(model)} on {corpus.Name}");
                return 0;
            })
        );
        return command;
    }
}
