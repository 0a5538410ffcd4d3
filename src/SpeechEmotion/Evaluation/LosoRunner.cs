using System.Diagnostics;
using System.Text.Json;
using SpeechEmotion.Engine;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Training;

namespace SpeechEmotion.Evaluation;

/// <summary>Reports progress of a LOSO run: which fold starts, and the trainer's callbacks within it.</summary>
public interface ILosoObserver : ITrainingObserver
{
    void FoldStarted(int index, int count, string[] speakers, bool alreadyDone);
    void FoldDone(FoldResult result, ClassificationMetrics metrics);
}

/// <summary>
/// Leave-one-speaker-out evaluation. Each fold fits its own normaliser and model on its training speakers only and
/// is tested on speakers it never saw; model selection uses fixed epochs or validation speakers drawn from the
/// training speakers, never the test speaker. Finished folds are written to OUT/folds/&lt;fold&gt;/fold.json and skipped on
/// a rerun; an interrupted fold resumes from its checkpoint.
/// </summary>
public sealed class LosoRunner(FeatureSet data, ModelConfig config, TrainingOptions options, Func<IBackend<float>> backendFactory)
{
    public int ValidationSpeakers { get; init; }

    public IReadOnlyList<FoldResult> Run(IReadOnlyList<string[]> folds, string outDir, ILosoObserver? observer = null, CancellationToken cancel = default)
    {
        var results = new List<FoldResult>();
        for (int f = 0; f < folds.Count && !cancel.IsCancellationRequested; f++)
        {
            var test = folds[f];
            string dir = Path.Combine(outDir, "folds", FoldPlan.Name(test));
            string done = Path.Combine(dir, "fold.json");
            if (File.Exists(done))
            {
                var previous = JsonSerializer.Deserialize<FoldResult>(File.ReadAllText(done), SavedModel.Json)
                    ?? throw new InvalidDataException($"{done}: empty fold result");
                observer?.FoldStarted(f, folds.Count, test, alreadyDone: true);
                observer?.FoldDone(previous, previous.Metrics(data.Labels));
                results.Add(previous);
                continue;
            }
            observer?.FoldStarted(f, folds.Count, test, alreadyDone: false);
            var result = RunFold(test, dir, observer, cancel);
            if (result is null) break;
            Directory.CreateDirectory(dir);
            File.WriteAllText(done + ".tmp", JsonSerializer.Serialize(result, SavedModel.Json));
            File.Move(done + ".tmp", done, overwrite: true);
            File.Delete(Path.Combine(dir, "checkpoint.ser"));
            observer?.FoldDone(result, result.Metrics(data.Labels));
            results.Add(result);
        }
        return results;
    }

    private FoldResult? RunFold(string[] test, string dir, ITrainingObserver? observer, CancellationToken cancel)
    {
        var watch = Stopwatch.StartNew();
        var validationSpeakers = FoldPlan.ValidationSpeakers(data.Corpus.Speakers, test, ValidationSpeakers);
        var train = data.Except([.. test, .. validationSpeakers]);
        var validation = validationSpeakers.Length > 0 ? data.Speakers(validationSpeakers) : null;
        var testSet = data.Speakers(test);
        if (testSet.Count == 0) throw new ArgumentException($"fold {string.Join(",", test)} has no test utterances");
        Directory.CreateDirectory(dir);
        using var backend = backendFactory();
        var trainer = new Trainer(backend, config, options with { CheckpointPath = Path.Combine(dir, "checkpoint.ser") }, data.Labels);
        var trained = trainer.Train(train, validation, observer, cancel);
        if (trained.Cancelled) return null;
        using var model = trained.Model.Instantiate(backend);
        var set = trained.Model.Prepare(testSet);
        var probs = Predictor.Probabilities(model, set);
        var predictions = testSet.Select((e, i) => new UtterancePrediction(e.Utterance.Path, e.Utterance.Speaker, e.Label, Predictor.ArgMax(probs[i]), probs[i])).ToList();
        var metrics = ClassificationMetrics.From(data.Labels, predictions.Select(p => (p.Truth, p.Predicted)));
        return new FoldResult(test, validationSpeakers, metrics.Confusion, trained.History.Count, trained.SelectedEpoch, trained.Selection,
            watch.Elapsed.TotalSeconds, trained.History, predictions);
    }
}
