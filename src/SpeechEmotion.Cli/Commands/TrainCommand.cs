using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser train`: one model on the training speakers; optional validation speakers for early stopping and test
/// speakers for a report.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var args = new TrainingArgs();
        var test = new Option<string?>("--test-speakers")
        {
            Description = "Comma-separated speakers held out for testing (never used for selection)",
        };
        var val = new Option<string?>("--val-speakers")
        {
            Description = "Comma-separated training speakers held out for early stopping (best validation UA)",
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Model file to write",
            DefaultValueFactory = _ => "model.ser",
        };
        var resume = new Option<bool>("--resume")
        {
            Description =
                "Continue from OUT.ckpt (written after every epoch and on Ctrl-C/SIGTERM); the options must match, "
                + "--epochs may grow",
        };
        var command = new Command(
            "train",
            "Train a model (checkpoint after every epoch; Ctrl-C stops cleanly; --resume continues)"
        )
        {
            test,
            val,
            output,
            resume,
        };
        args.AddTo(command);
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r,
                    args,
                    TrainingArgs.Split(r.GetValue(test)),
                    TrainingArgs.Split(r.GetValue(val)),
                    r.GetValue(output)!,
                    r.GetValue(resume)
                )
            )
        );
        return command;
    }

    private static int Run(ParseResult r, TrainingArgs args, string[] test, string[] val, string output, bool resume)
    {
        string checkpoint = output + ".ckpt";
        // An old checkpoint is never picked up (or overwritten) silently: the user says which run this is.
        if (resume && !File.Exists(checkpoint))
            throw new ArgumentException($"--resume: no checkpoint {checkpoint} to continue from");
        if (!resume && File.Exists(checkpoint))
            throw new ArgumentException(
                $"{checkpoint} exists from an interrupted run: add --resume to continue it, or delete it to start over"
            );
        var data = args.LoadFeatures(r);
        var unknown = test.Concat(val).Where(s => !data.Corpus.Speakers.Contains(s)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"unknown speaker(s) {string.Join(", ", unknown)}; the corpus has "
                    + $"{string.Join(", ", data.Corpus.Speakers)}"
            );
        var (model, training) = args.Settings(r, data);
        if (resume)
            AnsiConsole.MarkupLineInterpolated($"resuming from {checkpoint}");
        training = training with { CheckpointPath = checkpoint };
        using var backend = args.BackendFactory(r)();
        using var cancel = ConsoleObserver.CancelOnCtrlC();
        var train = data.Except([.. test, .. val]);
        var validation = val.Length > 0 ? data.Speakers(val) : null;
        AnsiConsole.MarkupInterpolated(
            $"training on {train.Count} utterances ({backend.Name}); {Length(training)}, lr "
        );
        AnsiConsole.MarkupLineInterpolated(
            $"{training.LearningRate}, batch {training.BatchSize}, {model.Architecture}, {model.Loss} loss"
        );
        var result = ConsoleObserver.Run(
            o =>
                new Trainer(backend, model, training, TrainingArgs.Labels(data, model)).Train(
                    train,
                    validation,
                    o,
                    cancel.Token
                ),
            model.Task == SerTask.Regression
        );
        if (result.Cancelled)
        {
            AnsiConsole.MarkupInterpolated(
                $"[yellow]interrupted[/]: checkpoint saved to {checkpoint}; run the same command with --resume to "
            );
            AnsiConsole.MarkupLineInterpolated($"continue");
            return 130;
        }
        AnsiConsole.MarkupLineInterpolated($"model selection: {result.Selection}");
        var summary = result.Model.Summary;
        if (test.Length > 0)
        {
            using var trained = result.Model.Instantiate(backend);
            var testSet = result.Model.Prepare(data.Speakers(test));
            summary["test_speakers"] = new JsonArray(test.Select(s => (JsonNode)s).ToArray());
            if (model.Task == SerTask.Regression)
            {
                var sentiment = Trainer.EvaluateRegression(trained, testSet);
                MetricsView.Print(sentiment, $"test speakers {string.Join(",", test)}");
                summary["test_corr"] = sentiment.Corr;
                summary["test_mae"] = sentiment.Mae;
            }
            else
            {
                var metrics = Trainer.Evaluate(trained, testSet, data.Labels);
                MetricsView.Print(metrics, $"test speakers {string.Join(",", test)}");
                summary["test_ua"] = metrics.Ua;
                summary["test_wa"] = metrics.Wa;
            }
        }
        result.Model.Save(output);
        File.Delete(checkpoint);
        AnsiConsole.MarkupLineInterpolated($"wrote {output}");
        return 0;
    }

    private static string Length(TrainingOptions training) =>
        training.Steps > 0 ? $"about {training.Steps} steps" : $"{training.Epochs} epochs";
}
