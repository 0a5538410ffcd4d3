using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;

namespace SpeechEmotion.Training;

/// <summary>The outcome of a run: the selected weights, the per-epoch history and how the epoch was chosen.
/// ResumedSeconds: training time of the epochs a resumed checkpoint had already finished (0 for a fresh run).</summary>
public sealed record TrainingResult(
    SavedModel Model,
    IReadOnlyList<EpochRecord> History,
    int SelectedEpoch,
    string Selection,
    bool Cancelled,
    double ResumedSeconds = 0
);

/// <summary>
/// Trains the model on a backend. Model selection never looks at test data (<see cref="WeightSelection"/>): the mean of
/// the last epochs' weights, the epoch with the best validation UA on speakers held out of the training speakers, or
/// the last epoch. Batches are length-sorted and their order shuffled per epoch from the seed; dropout masks are keyed
/// by (seed, step); so the same seed on the same device gives identical weights, and a run resumed from its checkpoint
/// (saved after every epoch and on cancellation, mid-epoch included) ends with the same weights as an uninterrupted
/// one.
/// </summary>
public sealed class Trainer(
    IBackend<float> backend,
    ModelConfig config,
    TrainingOptions options,
    IReadOnlyList<string> labels
)
{
    public TrainingResult Train(
        IReadOnlyList<Example> train,
        IReadOnlyList<Example>? validation,
        ITrainingObserver? observer = null,
        CancellationToken cancel = default
    )
    {
        if (train.Count == 0)
            throw new ArgumentException("no training utterances");
        options.Validate();
        if (config.IsFunctionals && options.Normalization == FeatureNormalization.Utterance)
            throw new ArgumentException(
                "utterance normalisation standardises an utterance's frames with their own "
                    + "statistics; the functionals model reads one vector per utterance (use global or speaker)"
            );
        if (options.CorpusLabels && config.Task == SerTask.Regression)
            throw new ArgumentException("corpus label sets mask classes; a regression model has none");
        if (train[0].Width != config.InputSize)
            throw new ArgumentException(
                $"the features have {train[0].Width} values per frame but the model reads {config.InputSize}"
            );
        var normalizer = FeatureNormalizer.Fit(train.Select(e => e.Features), config.InputSize);
        var trainSet = new NormalizedSet(train, normalizer, options.Normalization);
        var validationSet = validation is { Count: > 0 }
            ? new NormalizedSet(validation, normalizer, options.Normalization)
            : null;
        using var model = new SerModel<float>(backend, config, options.Seed);
        var adam = new AdamOptimizer<float>(
            backend,
            model.Parameters,
            new AdamSettings(options.LearningRate, WeightDecay: options.WeightDecay, ClipNorm: options.ClipNorm)
        );
        var history = new List<EpochRecord>();
        // An epoch's examples: each once, or each corpus as often as the largest.
        var visits = options.BalanceCorpora
            ? CorpusBalance.Indices([.. train.Select(e => e.Utterance.Speaker)], options.Seed)
            : [.. Enumerable.Range(0, train.Count)];
        var batches = BatchPlan
            .Batches([.. visits.Select(i => trainSet.Frames[i])], options.BatchSize)
            .Select(b => b.Select(j => visits[j]).ToArray())
            .ToList();
        var run = options.ForEpochOf(batches.Count);
        var selection = new WeightSelection(run.Epochs, run.AverageLast);
        int startEpoch = 0,
            startBatch = 0;
        double resumedLossSum = 0;
        if (options.CheckpointPath is { } resumeFrom && File.Exists(resumeFrom))
            (startEpoch, startBatch, resumedLossSum) = Resume(resumeFrom, train, model, adam, history, selection);

        var weights = options.ClassWeights
            ? ClassWeighting.PerExample(train, visits, config.Classes, options.CorpusClassWeights)
            : null;
        var masks = options.CorpusLabels ? CorpusLabelSets.Masks(train, config.Classes) : null;
        using var ws = new Workspace<float>(backend);
        bool cancelled = false;
        for (int epoch = startEpoch; epoch < run.Epochs && !cancelled; epoch++)
        {
            var watch = Stopwatch.StartNew();
            var order = BatchPlan.ForEpoch(batches, options.Seed, epoch);
            observer?.EpochStarted(epoch, run.Epochs, order.Count);
            double lossSum = epoch == startEpoch ? resumedLossSum : 0;
            for (int b = epoch == startEpoch ? startBatch : 0; b < order.Count; b++)
            {
                if (cancel.IsCancellationRequested)
                {
                    SaveCheckpoint(model, adam, normalizer, history, epoch, b, lossSum, selection);
                    cancelled = true;
                    break;
                }
                double loss = Step(model, adam, ws, trainSet, order[b], weights, masks);
                if (!double.IsFinite(loss))
                    throw new InvalidOperationException(
                        $"training diverged: loss {loss} at epoch {epoch + 1}, batch {b + 1}; the last checkpoint "
                            + $"is from epoch {epoch} (try a lower setting LearningRate)"
                    );
                lossSum += loss * order[b].Length;
                observer?.BatchDone(epoch, b, loss);
            }
            if (cancelled)
                break;
            double? ua =
                validationSet is null ? null
                : config.Task == SerTask.Regression ? EvaluateRegression(model, validationSet).Corr
                : Evaluate(model, validationSet).Ua;
            selection.EpochDone(epoch, ua, model.Parameters.DownloadValues);
            var record = new EpochRecord(epoch + 1, lossSum / visits.Length, ua, watch.Elapsed.TotalSeconds);
            history.Add(record);
            observer?.EpochDone(record);
            SaveCheckpoint(model, adam, normalizer, history, epoch + 1, 0, 0, selection);
        }

        if (selection.Weights is { } kept)
            model.Parameters.UploadValues(kept);
        string how = selection.Describe(
            history.Count,
            config.Task == SerTask.Regression
                ? $"correlation ({selection.BestScore:F3})"
                : $"UA ({selection.BestScore:P2})"
        );
        int selectedEpoch = selection.SelectedEpoch(history.Count);
        var summary = new JsonObject
        {
            ["epochs"] = history.Count,
            ["selected_epoch"] = selectedEpoch,
            ["selection"] = how,
            ["train_utterances"] = train.Count,
            ["train_speakers"] = new JsonArray(
                train.Select(e => e.Utterance.Speaker).Distinct().Order().Select(s => (JsonNode)s).ToArray()
            ),
            ["train_files"] = new JsonArray(
                train.Select(TrainingFile).Distinct().Order(StringComparer.Ordinal).Select(f => (JsonNode)f).ToArray()
            ),
            ["options"] = OptionsJson(options),
            ["device"] = backend.Name,
        };
        var saved = new SavedModel(config, labels, normalizer, SavedModel.Extract(model), summary)
        {
            Normalization = options.Normalization,
        };
        return new TrainingResult(
            saved,
            history,
            selectedEpoch,
            how,
            cancelled,
            history.Take(startEpoch).Sum(e => e.Seconds)
        );
    }

    /// <summary>How a model's summary names a training utterance: speaker and file name (not the folder, which
    /// moves with the corpus).</summary>
    private static string TrainingFile(Example e) =>
        $"{e.PerturbedFrom ?? e.Utterance.Speaker}/{Path.GetFileName(e.Utterance.Path)}";

    /// <summary>
    /// The speakers among <paramref name="examples"/> that trained the model of <paramref name="summary"/>: by speaker
    /// and file name when the model lists its files (Exact), else (older models) by speaker name alone, which another
    /// corpus's speakers can share.
    /// </summary>
    public static (IReadOnlyList<string> Speakers, bool Exact) SeenInTraining(
        JsonObject summary,
        IReadOnlyList<Example> examples
    )
    {
        if (summary["train_files"] is JsonArray files)
        {
            var seen = files.Select(f => f!.GetValue<string>()).ToHashSet();
            return (
                examples
                    .Where(e => seen.Contains(TrainingFile(e)))
                    .Select(e => e.Utterance.Speaker)
                    .Distinct()
                    .Order()
                    .ToList(),
                true
            );
        }
        var speakers = summary["train_speakers"]?.AsArray().Select(s => s!.GetValue<string>()).ToHashSet() ?? [];
        return (examples.Select(e => e.Utterance.Speaker).Where(speakers.Contains).Distinct().Order().ToList(), false);
    }

    /// <summary>Metrics of a model (in evaluation mode) on a normalised set.</summary>
    public static ClassificationMetrics Evaluate(
        SerModel<float> model,
        NormalizedSet set,
        IReadOnlyList<string>? labels = null
    )
    {
        var probs = Predictor.Probabilities(model, set);
        var names = labels ?? Enumerable.Range(0, model.Config.Classes).Select(i => i.ToString()).ToList();
        return ClassificationMetrics.From(names, set.Examples.Select((e, i) => (e.Label, Predictor.ArgMax(probs[i]))));
    }

    /// <summary>
    /// Metrics on a corpus whose labels are a subset of the model's (the cross-corpus case): each utterance gets the
    /// most probable of the corpus's labels, and the metrics run over those labels. Example labels index
    /// <paramref name="corpusLabels"/>; a corpus label the model does not know is an error naming it.
    /// </summary>
    public static ClassificationMetrics EvaluateOnLabels(
        SerModel<float> model,
        NormalizedSet set,
        IReadOnlyList<string> modelLabels,
        IReadOnlyList<string> corpusLabels
    )
    {
        var columns = corpusLabels.Select(l => modelLabels.ToList().IndexOf(l)).ToArray();
        if (Array.IndexOf(columns, -1) is int missing and >= 0)
            throw new ArgumentException(
                $"the corpus label '{corpusLabels[missing]}' is not one of the model's "
                    + $"({string.Join(", ", modelLabels)})"
            );
        var probs = Predictor.Probabilities(model, set);
        return ClassificationMetrics.From(
            corpusLabels,
            set.Examples.Select((e, i) => (e.Label, Predictor.ArgMax(columns.Select(c => probs[i][c]).ToArray())))
        );
    }

    /// <summary>Sentiment metrics of a regression model on a normalised set.</summary>
    public static SentimentMetrics EvaluateRegression(SerModel<float> model, NormalizedSet set) =>
        SentimentMetrics.Compute(
            Predictor.Scores(model, set),
            set.Examples.Select(e => e.Score).ToList(),
            model.Config.ScoreRange
        );

    private double Step(
        SerModel<float> model,
        AdamOptimizer<float> adam,
        Workspace<float> ws,
        NormalizedSet set,
        int[] indices,
        float[]? weights,
        int[]? masks
    )
    {
        var batch = set.Batch(indices);
        if (options.Crop > 0)
            batch = RandomCrop.Apply(batch, options.Crop, (ulong)options.Seed, (ulong)adam.Step);
        int[]? partners = null;
        double lambda = 1;
        if (options.Mixup > 0)
            (batch, partners, lambda) = Mixup.Apply(batch, options.Mixup, (ulong)options.Seed, (ulong)adam.Step);
        if (options.SpecAugment)
            SpecAugment.Apply(batch, (ulong)options.Seed, (ulong)adam.Step);
        var input = ws.Get("input", batch.Batch, batch.Steps, batch.Width);
        backend.Upload(batch.Features, input);
        var lengths = ws.Ints("lengths", batch.Batch);
        backend.Upload(batch.Lengths, lengths);
        var context = new BatchContext(
            batch.Lengths,
            lengths,
            batch.Steps,
            Training: true,
            (ulong)options.Seed,
            (ulong)adam.Step
        );
        var outputs = model.Forward(input, context);
        double loss;
        Tensor<float> dLogits;
        if (config.Task == SerTask.Regression)
        {
            var scores = ws.Get("scores", batch.Batch);
            // Mixup of scores: the mixed utterance's target is the same mixture of the two scores.
            backend.Upload(
                indices
                    .Select(
                        (i, b) =>
                            (float)(
                                lambda * set.Examples[i].Score
                                + (partners is null ? 0 : (1 - lambda) * set.Examples[indices[partners[b]]].Score)
                            )
                    )
                    .ToArray(),
                scores
            );
            loss = model.RegressionLoss(outputs, scores, out dLogits);
        }
        else
        {
            var targets = ws.Ints("targets", batch.Batch);
            backend.Upload(indices.Select(i => set.Examples[i].Label).ToArray(), targets);
            Tensor<int>? classMask = null;
            if (masks is not null)
            {
                // A mixed utterance's softmax spans both corpora's labels: both its targets are in it.
                classMask = ws.Ints("class-mask", batch.Batch);
                backend.Upload(
                    indices.Select((i, b) => masks[i] | (partners is null ? 0 : masks[indices[partners[b]]])).ToArray(),
                    classMask
                );
            }
            var rowWeights = RowWeights(ws, "weights", weights, indices);
            if (partners is null)
                loss = model.Loss(outputs, targets, rowWeights, classMask, out dLogits);
            else
            {
                var partnerTargets = ws.Ints("partner-targets", batch.Batch);
                backend.Upload(partners.Select(p => set.Examples[indices[p]].Label).ToArray(), partnerTargets);
                var partnerWeights = RowWeights(ws, "partner-weights", weights, [.. partners.Select(p => indices[p])]);
                loss = model.MixedLoss(
                    outputs,
                    targets,
                    partnerTargets,
                    lambda,
                    rowWeights,
                    partnerWeights,
                    classMask,
                    out dLogits
                );
            }
        }
        model.Parameters.ZeroGrads();
        model.Backward(dLogits);
        adam.Update();
        return loss;
    }

    /// <summary>The loss weights of a batch's rows (examples <paramref name="rows"/>), or null without
    /// weights.</summary>
    private Tensor<float>? RowWeights(Workspace<float> ws, string name, float[]? weights, int[] rows)
    {
        if (weights is null)
            return null;
        var t = ws.Get(name, rows.Length);
        backend.Upload(rows.Select(i => weights[i]).ToArray(), t);
        return t;
    }

    private void SaveCheckpoint(
        SerModel<float> model,
        AdamOptimizer<float> adam,
        FeatureNormalizer normalizer,
        List<EpochRecord> history,
        int epoch,
        int batch,
        double lossSum,
        WeightSelection selection
    )
    {
        if (options.CheckpointPath is null)
            return;
        var state = new JsonObject
        {
            ["epoch"] = epoch,
            ["batch"] = batch,
            ["loss_sum"] = lossSum,
            ["step"] = adam.Step,
            ["history"] = JsonSerializer.SerializeToNode(history, TrainingJsonContext.Default.ListEpochRecord),
            ["options"] = OptionsJson(options),
        };
        var m = new float[model.Parameters.Count];
        var v = new float[model.Parameters.Count];
        backend.Download(model.Parameters.FirstMoments, m);
        backend.Download(model.Parameters.SecondMoments, v);
        var tensors = new List<(string, float[])> { ("adam.m", m), ("adam.v", v) };
        selection.Save(state, tensors);
        new SavedModel(config, labels, normalizer, SavedModel.Extract(model), []).Save(
            options.CheckpointPath,
            state,
            tensors
        );
    }

    /// <summary>The options as a model or checkpoint records them (no checkpoint path: it is where, not how).</summary>
    private static JsonNode? OptionsJson(TrainingOptions options) =>
        JsonSerializer.SerializeToNode(
            options with
            {
                CheckpointPath = null,
            },
            TrainingJsonContext.Default.TrainingOptions
        );

    private (int Epoch, int Batch, double LossSum) Resume(
        string path,
        IReadOnlyList<Example> train,
        SerModel<float> model,
        AdamOptimizer<float> adam,
        List<EpochRecord> history,
        WeightSelection selection
    )
    {
        var saved = SavedModel.Load(path, out var state, out var extra);
        if (state is null)
            throw new ModelFileException(path, "is a model file, not a checkpoint");
        if (saved.Config != config || !saved.Labels.SequenceEqual(labels))
            throw new ModelFileException(
                path,
                "checkpoint was written for a different model configuration or label set"
            );
        // Compared as JSON: record equality would compare list-valued options (speed factors) by reference.
        var savedOptions = state["options"]?.Deserialize(TrainingJsonContext.Default.TrainingOptions);
        // More epochs may be asked for on resume, unless weights are averaged over the last epochs (the window would
        // move).
        var expected = OptionsJson(
            options.ActingOn(train) with
            {
                Epochs = options.AverageLast > 0 ? options.Epochs : savedOptions?.Epochs ?? 0,
            }
        );
        if (savedOptions is null || !JsonNode.DeepEquals(OptionsJson(savedOptions.ActingOn(train)), expected))
            throw new ModelFileException(
                path,
                "checkpoint was written with different training options (seed, lr, batch, ...)"
            );
        using (var restored = saved.Instantiate(backend))
            model.Parameters.UploadValues(restored.Parameters.DownloadValues());
        backend.Upload(extra["adam.m"], model.Parameters.FirstMoments);
        backend.Upload(extra["adam.v"], model.Parameters.SecondMoments);
        adam.Restore(state["step"]!.GetValue<int>());
        history.AddRange(state["history"]?.Deserialize(TrainingJsonContext.Default.ListEpochRecord) ?? []);
        selection.Restore(state, extra);
        return (
            state["epoch"]!.GetValue<int>(),
            state["batch"]!.GetValue<int>(),
            state["loss_sum"]!.GetValue<double>()
        );
    }
}
