namespace SpeechEmotion.Training;

/// <summary>Optimisation settings of one training run (from a <see cref="Recipe"/>; flags override).</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 80;
    public double LearningRate { get; init; } = 1e-4;
    public int BatchSize { get; init; } = 32;
    public int Seed { get; init; } = 1;
    public double WeightDecay { get; init; }
    public double ClipNorm { get; init; }

    /// <summary>Weight each class by N / (C·n_c) in the loss (inverse frequency, mean weight 1).</summary>
    public bool ClassWeights { get; init; }
    public Features.FeatureNormalization Normalization { get; init; }

    /// <summary>Mask frequency bands and time spans of each training batch
    /// (<see cref="Training.SpecAugment"/>).</summary>
    public bool SpecAugment { get; init; }

    /// <summary>Cut each training utterance to a random window of at most this many frames (<see cref="RandomCrop"/>;
    /// 0: off).</summary>
    public int Crop { get; init; }

    /// <summary>Mixup's α: mix each training batch with a shuffled copy of itself, λ ~ Beta(α, α) (<see cref="Mixup"/>;
    /// 0: off).</summary>
    public double Mixup { get; init; }

    /// <summary>Speed factors of the perturbed training copies (<see cref="FeatureSet"/>); empty: none. Recorded in
    /// reports.</summary>
    public IReadOnlyList<double> SpeedPerturbation { get; init; } = [];

    /// <summary>Keep the mean of the weights after each of the last K epochs instead of one epoch's (0: off).</summary>
    public int AverageLast { get; init; }

    /// <summary>Train for about this many optimiser steps instead of <see cref="Epochs"/> (0: off): a small training
    /// set then gets more epochs and a large one fewer, the same recipe for any corpus (<see cref="ForEpochOf"/>).
    /// </summary>
    public int Steps { get; init; }

    /// <summary>In a run over several corpora, let every corpus count as much as the largest in each epoch
    /// (<see cref="CorpusBalance"/>).</summary>
    public bool BalanceCorpora { get; init; }

    /// <summary>In a run over several corpora, train each utterance's softmax over the labels its corpus has
    /// (<see cref="CorpusLabelSets"/>): labels are merged by name, and a corpus without a label says nothing about
    /// it.</summary>
    public bool CorpusLabels { get; init; }

    /// <summary>With <see cref="ClassWeights"/>, weigh classes within each corpus of a merged run rather than over
    /// the union of the corpora (<see cref="ClassWeighting"/>).</summary>
    public bool CorpusClassWeights { get; init; }

    /// <summary>These options as they act on <paramref name="examples"/>: on one corpus the settings for merged
    /// corpora change nothing (tested: the same weights), so a finished fold or a checkpoint of one corpus counts as
    /// run with or without them.</summary>
    public TrainingOptions ActingOn(IEnumerable<Example> examples) =>
        examples.Select(e => CorpusBalance.CorpusOf(e.Utterance.Speaker)).Distinct().Count() == 1
            ? this with
            {
                CorpusLabels = false,
                CorpusClassWeights = false,
            }
            : this;

    /// <summary>
    /// The options one run trains with, given how many batches an epoch of its training set has: with
    /// <see cref="Steps"/>, Epochs = round(Steps / batches) (at least 2) and AverageLast keeps its share of the
    /// epochs (e.g. the last half); without, these options unchanged.
    /// </summary>
    public TrainingOptions ForEpochOf(int batches)
    {
        if (Steps <= 0)
            return this;
        int epochs = Math.Max(2, (int)Math.Round(Steps / (double)Math.Max(1, batches), MidpointRounding.AwayFromZero));
        int average =
            AverageLast > 0
                ? Math.Clamp(
                    (int)Math.Round(AverageLast * (double)epochs / Epochs, MidpointRounding.AwayFromZero),
                    1,
                    epochs
                )
                : 0;
        return this with { Epochs = epochs, AverageLast = average };
    }

    /// <summary>The recipe these options started from (<see cref="Training.Recipe"/>); flags may have changed
    /// some.</summary>
    public string? Recipe { get; init; }

    /// <summary>Written after every epoch (and on cancellation); an existing one is resumed.</summary>
    public string? CheckpointPath { get; init; }

    public void Validate()
    {
        if (CorpusClassWeights && !ClassWeights)
            throw new ArgumentException("class weights by corpus need class weights (ClassWeights, --class-weights)");
        if (AverageLast < 0 || AverageLast > Epochs)
            throw new ArgumentException(
                $"averaging the last {AverageLast} epochs needs between 0 and {Epochs} (the epoch count)"
            );
        if (Steps < 0)
            throw new ArgumentException($"{Steps} steps: it needs a positive step count, or 0 to count epochs");
        if (Crop < 0)
            throw new ArgumentException($"a crop of {Crop} frames: it needs a positive frame count, or 0 for none");
        if (!(Mixup >= 0) || !double.IsFinite(Mixup))
            throw new ArgumentException($"mixup α {Mixup}: it needs a positive, finite α, or 0 for none");
    }
}

/// <summary>One epoch of a training run. ValidationScore: UA (classification) or Pearson r (regression) on the
/// validation speakers.</summary>
public sealed record EpochRecord(int Epoch, double TrainLoss, double? ValidationScore, double Seconds);

/// <summary>Progress callbacks (progress bars, log lines).</summary>
public interface ITrainingObserver
{
    void EpochStarted(int epoch, int epochs, int batches);
    void BatchDone(int epoch, int batch, double loss);
    void EpochDone(EpochRecord record);
}
