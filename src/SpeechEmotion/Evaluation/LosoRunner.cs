using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechEmotion.Engine;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>Reports progress of a LOSO run: which fold starts, and the trainer's callbacks within it.</summary>
public interface ILosoObserver : ITrainingObserver
{
    void FoldStarted(int index, int count, string[] speakers, bool alreadyDone);
    void FoldDone(FoldResult result, string summary);
}

/// <summary>
/// Leave-one-speaker-out evaluation. Each fold fits its own normaliser and model on its training speakers only and
/// is tested on speakers it never saw; model selection uses fixed epochs or validation speakers drawn from the
/// training speakers, never the test speaker. Finished folds are written to OUT/folds/&lt;fold&gt;/fold.json and
/// skipped on a rerun; an interrupted fold resumes from its checkpoint.
/// </summary>
public sealed class LosoRunner(
    FeatureSet data,
    ModelConfig config,
    TrainingOptions options,
    Func<IBackend<float>> backendFactory
)
{
    public int ValidationSpeakers { get; init; }

    public IReadOnlyList<FoldResult> Run(
        IReadOnlyList<string[]> folds,
        string outDir,
        ILosoObserver? observer = null,
        CancellationToken cancel = default
    )
    {
        var results = new List<FoldResult>();
        for (int f = 0; f < folds.Count && !cancel.IsCancellationRequested; f++)
        {
            var test = folds[f];
            string dir = Path.Combine(outDir, "folds", FoldPlan.Name(test));
            string done = Path.Combine(dir, "fold.json");
            if (File.Exists(done))
            {
                var previous = FoldResult.Load(done);
                if (!SameSettings(previous))
                    throw new InvalidOperationException(
                        $"{done} was trained with other settings (model or training "
                            + "options) than this run: give this run its own report folder, or delete that fold to "
                            + "redo it"
                    );
                observer?.FoldStarted(f, folds.Count, test, alreadyDone: true);
                observer?.FoldDone(previous, previous.Summary(data.Labels));
                results.Add(previous);
                continue;
            }
            observer?.FoldStarted(f, folds.Count, test, alreadyDone: false);
            var result = RunFold(test, dir, observer, cancel);
            if (result is null)
                break;
            Directory.CreateDirectory(dir);
            File.WriteAllText(
                done + ".tmp",
                JsonSerializer.Serialize(result, EvaluationJsonContext.Default.FoldResult)
            );
            File.Move(done + ".tmp", done, overwrite: true);
            File.Delete(Path.Combine(dir, "checkpoint.ser"));
            observer?.FoldDone(result, result.Summary(data.Labels));
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// The speaker-DEPENDENT comparison many papers report: a random stratified utterance split (test fraction per
    /// class, from the seed), so test speakers are also training speakers. Stored like one fold named "random-P%".
    /// </summary>
    public FoldResult? RunRandomSplit(
        double testFraction,
        string outDir,
        ILosoObserver? observer = null,
        CancellationToken cancel = default
    )
    {
        var random = new Random(options.Seed);
        var test = data
            .Examples.GroupBy(e => e.Label)
            .SelectMany(g =>
            {
                var items = g.ToArray();
                random.Shuffle(items);
                return items.Take((int)Math.Round(testFraction * items.Length));
            })
            .ToHashSet();
        string name = $"random-{100 * testFraction:F0}%";
        observer?.FoldStarted(0, 1, [name], alreadyDone: false);
        var result = RunFold(
            [name],
            [],
            data.With(data.Examples.Where(e => !test.Contains(e)).ToList()),
            null,
            test.ToList(),
            Path.Combine(outDir, "folds", name),
            observer,
            cancel
        );
        if (result is not null)
            observer?.FoldDone(result, result.Summary(data.Labels));
        return result;
    }

    /// <summary>A finished fold may join this run only if it ran with the same config and options (older folds,
    /// which do not record them, are taken as they are; on one corpus, settings for merged corpora do not count).
    /// </summary>
    private bool SameSettings(FoldResult fold) =>
        (
            fold.Config is null
            || JsonNode.DeepEquals(
                JsonSerializer.SerializeToNode(fold.Config, ModelJsonContext.Default.ModelConfig),
                JsonSerializer.SerializeToNode(config, ModelJsonContext.Default.ModelConfig)
            )
        )
        && (
            fold.Options is null
            || JsonNode.DeepEquals(
                JsonSerializer.SerializeToNode(
                    fold.Options.ActingOn(data.Examples),
                    TrainingJsonContext.Default.TrainingOptions
                ),
                JsonSerializer.SerializeToNode(
                    options.ActingOn(data.Examples) with
                    {
                        CheckpointPath = null,
                    },
                    TrainingJsonContext.Default.TrainingOptions
                )
            )
        );

    private FoldResult? RunFold(string[] test, string dir, ITrainingObserver? observer, CancellationToken cancel)
    {
        var validationSpeakers = FoldPlan.ValidationSpeakers(data.Corpus.Speakers, test, ValidationSpeakers);
        var testSet = data.Speakers(test);
        if (testSet.Count == 0)
            throw new ArgumentException($"fold {string.Join(",", test)} has no test utterances");
        return RunFold(
            test,
            validationSpeakers,
            data.Except([.. test, .. validationSpeakers]),
            validationSpeakers.Length > 0 ? data.Speakers(validationSpeakers) : null,
            testSet,
            dir,
            observer,
            cancel
        );
    }

    private FoldResult? RunFold(
        string[] test,
        string[] validationSpeakers,
        IReadOnlyList<Example> train,
        IReadOnlyList<Example>? validation,
        IReadOnlyList<Example> testSet,
        string dir,
        ITrainingObserver? observer,
        CancellationToken cancel
    )
    {
        var watch = Stopwatch.StartNew();
        Directory.CreateDirectory(dir);
        using var backend = backendFactory();
        IReadOnlyList<string> labels = config.Task == SerTask.Regression ? ["score"] : data.Labels;
        var trainer = new Trainer(
            backend,
            config,
            options with
            {
                CheckpointPath = Path.Combine(dir, "checkpoint.ser"),
            },
            labels
        );
        var trained = trainer.Train(train, validation, observer, cancel);
        if (trained.Cancelled)
            return null;
        using var model = trained.Model.Instantiate(backend);
        var set = trained.Model.Prepare(testSet);
        List<UtterancePrediction> predictions;
        if (config.Task == SerTask.Regression)
        {
            var scores = Predictor.Scores(model, set);
            predictions = testSet
                .Select(
                    (e, i) =>
                        new UtterancePrediction(e.Utterance.Path, e.Utterance.Speaker, 0, 0, [], e.Score, scores[i])
                )
                .ToList();
        }
        else
        {
            var probs = Predictor.Probabilities(model, set);
            predictions = testSet
                .Select(
                    (e, i) =>
                        new UtterancePrediction(
                            e.Utterance.Path,
                            e.Utterance.Speaker,
                            e.Label,
                            Predictor.ArgMax(probs[i]),
                            probs[i]
                        )
                )
                .ToList();
        }
        var metrics = ClassificationMetrics.From(data.Labels, predictions.Select(p => (p.Truth, p.Predicted)));
        return new FoldResult(
            test,
            validationSpeakers,
            metrics.Confusion,
            trained.History.Count,
            trained.SelectedEpoch,
            trained.Selection,
            trained.ResumedSeconds + watch.Elapsed.TotalSeconds,
            trained.History,
            predictions,
            config.Task == SerTask.Regression ? config.ScoreRange : 0,
            backend.Name,
            config,
            options with
            {
                CheckpointPath = null,
            }
        );
    }
}
