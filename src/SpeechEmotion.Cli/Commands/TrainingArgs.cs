using System.CommandLine;
using SpeechEmotion.Corpora;
using SpeechEmotion.Data;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>The options shared by train, loso and sweep: data, preset, device, model shape and optimisation; flags
/// override the preset.</summary>
internal sealed class TrainingArgs
{
    public readonly Option<string[]> Data = new("--data")
    {
        Description =
            "Corpus folder or CSV manifest, optionally FORMAT:PATH (emodb:, iemocap:, csv:); give it again "
            + "to train on several corpora at once: labels merged by name, speakers kept apart as "
            + "CORPUS/SPEAKER (default: data/emodb, else $SER_DATA/emodb)",
    };
    public readonly Option<CorpusFormat?> Format = EnumOption.Optional<CorpusFormat>(
        "--format",
        "Corpus layout (default: detected; a FORMAT: prefix on --data wins)"
    );
    public readonly Option<string> RecipeName = new("--recipe", "--preset")
    {
        Description =
            $"A built-in recipe ({string.Join(" | ", Recipe.BuiltIn)}: recipes/*.json; emodb and iemocap "
            + "are the paper's Table 2) or a recipe file; flags override it",
        DefaultValueFactory = _ => "emodb",
    };
    public readonly Option<string> Device = DeviceOption.Create();
    public readonly Option<Precision> Precision = DeviceOption.CreatePrecision();
    public readonly Option<int?> Hidden = new("--hidden")
    {
        Description = "GRU hidden size per direction (default 128)",
    };
    public readonly Option<int?> Conv = new("--conv")
    {
        Description = "Channels of a temporal convolution + ReLU before the Bi-GRU (default 0: none, the paper)",
    };
    public readonly Option<int?> ConvKernel = new("--conv-kernel")
    {
        Description = "Frames the convolution spans, odd (default 5)",
    };
    public readonly Option<int?> ConvBands = new("--conv-bands")
    {
        Description =
            "Bands the convolution also spans, odd: makes it 2-D over time × frequency with the Δ/ΔΔ as input "
            + "channels (default 0: time only)",
    };
    public readonly Option<int?> ConvBandStride = new("--conv-band-stride")
    {
        Description = "Bands the 2-D convolution steps: downsamples frequency by this factor (default 2)",
    };
    public readonly Option<int?> ConvLayers = new("--conv-layers")
    {
        Description =
            "Convolution layers stacked, each with twice the channels of the one before and the same kernels and "
            + "stride (default 1)",
    };
    public readonly Option<PoolingKind?> Pool = EnumOption.Optional<PoolingKind>(
        "--pool",
        "mean (the paper), or meanstd: pool the attention output's mean and standard deviation over the frames"
    );
    public readonly Option<bool> InputStats = new("--input-stats")
    {
        Description = "fc1 also reads each input feature's mean and standard deviation over the utterance",
    };
    public readonly Option<float?> Dropout = new("--dropout")
    {
        Description = "Dropout after fc1, in [0, 1) (preset: 0.2 Emo-DB, 0.3 IEMOCAP)",
    };
    public readonly Option<float?> AttentionDropout = new("--attention-dropout")
    {
        Description = "Dropout on the attention probabilities, in [0, 1) (preset: 0.2)",
    };
    public readonly Option<int?> Heads = new("--heads")
    {
        Description = "Attention heads (preset: 8 Emo-DB, 16 IEMOCAP)",
    };
    public readonly Option<bool> NoAttention = new("--no-attention")
    {
        Description = "Bi-GRU-only baseline (the paper's Table 3)",
    };
    public readonly Option<LossKind?> Loss = EnumOption.Optional(
        "--loss",
        "l1 (the paper's) or crossentropy",
        ("ce", LossKind.CrossEntropy)
    );
    public readonly Option<int?> Epochs = new("--epochs") { Description = "Epochs (preset: 80 Emo-DB, 100 IEMOCAP)" };
    public readonly Option<double?> Lr = new("--lr")
    {
        Description = "Adam learning rate (preset: 1e-4 Emo-DB, 1e-5 IEMOCAP)",
    };
    public readonly Option<int?> Batch = new("--batch") { Description = "Batch size (default 32)" };
    public readonly Option<int?> Seed = new("--seed")
    {
        Description = "Seed for weights, batch order and dropout (default 1)",
    };
    public readonly Option<double?> WeightDecay = new("--weight-decay")
    {
        Description = "Decoupled weight decay (AdamW), default 0",
    };
    public readonly Option<double?> Clip = new("--clip")
    {
        Description = "Clip the global gradient norm to this value (default off)",
    };
    public readonly Option<int?> Steps = new("--steps")
    {
        Description =
            "Train for about N optimiser steps instead of a fixed epoch count (epochs = N / batches per epoch; "
            + "--average-last keeps its share of the epochs)",
    };
    public readonly Option<bool> BalanceCorpora = new("--balance-corpora")
    {
        Description =
            "With several --data corpora: every corpus counts as much as the largest in each epoch (smaller ones "
            + "repeated)",
    };
    public readonly Option<bool> CorpusLabels = new("--corpus-labels")
    {
        Description =
            "With several corpora: each training utterance's softmax runs over the labels of its own corpus (one "
            + "without boredom says nothing about boredom)",
    };
    public readonly Option<bool> CorpusClassWeights = new("--corpus-class-weights")
    {
        Description =
            "With --class-weights and several corpora: balance the classes within each corpus, not over their "
            + "union (where a label only one corpus has would weigh several times any other)",
    };
    public readonly Option<int?> AverageLast = new("--average-last")
    {
        Description =
            "Keep the mean of the weights after each of the last K epochs (stochastic weight averaging) instead of "
            + "one epoch's",
    };
    public readonly Option<bool> ClassWeights = new("--class-weights")
    {
        Description = "Weight classes by inverse frequency in the loss",
    };
    public readonly Option<bool> SpecAugment = new("--spec-augment")
    {
        Description =
            "Mask 2 frequency bands (each ≤ a tenth of the bins) and 2 time spans (≤ 40 frames, ≤ 20 %) of every "
            + "training utterance (SpecAugment)",
    };
    public readonly Option<int?> Crop = new("--crop")
    {
        Description =
            "Train on a random window of at most this many frames (10 ms each) of every utterance, drawn anew each "
            + "epoch; evaluation reads whole utterances (default 0: off)",
    };
    public readonly Option<double?> Mixup = new("--mixup")
    {
        Description =
            "Mixup's α: train on mixtures λ·a + (1 − λ)·b of utterance pairs of each batch and their labels (or "
            + "scores), λ ~ Beta(α, α) (default 0: off; 0.4 is typical)",
    };
    public readonly Option<FeatureNormalization?> Normalize = EnumOption.Optional<FeatureNormalization>(
        "--normalize",
        "global (the paper: training-set statistics), speaker (each speaker's own statistics) or utterance (each "
            + "file's own)"
    );
    public readonly Option<FeatureKind?> Feature = EnumOption.Optional<FeatureKind>(
        "--features",
        "linear (the paper: 400 bins, 0–4 kHz), mel (log-mel bands, 0–8 kHz) or functionals (144 statistics per "
            + "utterance: the baseline model) (default: the recipe's)"
    );
    public readonly Option<int?> MelBands = new("--mel-bands")
    {
        Description = "Number of mel bands with --features mel (default: the recipe's, else 64)",
    };
    public readonly Option<bool> DeltaFeatures = new("--deltas")
    {
        Description =
            "Append the features' first and second time derivatives (HTK deltas, window 2): three times the inputs",
    };
    public readonly Option<bool> PitchFeatures = new("--pitch")
    {
        Description = "Append log F0 and periodicity (YIN pitch tracker, 60–600 Hz) to each frame's features",
    };
    public readonly Option<string?> SpeedPerturb = new("--speed-perturb")
    {
        Description =
            "Comma-separated speed factors (e.g. 0.9,1.1): train also on speed-perturbed copies, each a pseudo-speaker",
    };
    public readonly Option<SerTask> Task = EnumOption.WithDefault(
        "--task",
        "classification (emotions) or regression (a sentiment score from a CSV manifest: path,score,speaker)",
        SerTask.Classification
    );
    public readonly Option<double?> ScoreRange = new("--score-range")
    {
        Description = "Regression: scores lie in [-R, R] (MOSI 3, CH-SIMS 1; default: the largest |score| in the data)",
    };
    public readonly Option<string?> OnlyLabels = new("--labels")
    {
        Description =
            "Comma-separated labels to keep (e.g. anger,happiness,neutral,sadness: the four Emo-DB, ASED "
            + "and URDU share); other utterances are left out (default: all)",
    };
    public readonly Option<string?> ExcludeSpeakers = new("--exclude-speakers")
    {
        Description =
            "Comma-separated speakers left out of everything (nested validation: an outer fold's test "
            + "speakers, so that choices are made on the others)",
    };
    public readonly Option<string?> FeatureCache = new("--feature-cache")
    {
        Description =
            "Keep each file's features in this folder and reuse them in later runs (keyed by path, size, "
            + "time, front end)",
    };
    public readonly Option<bool> ImprovisedOnly = new("--improvised-only")
    {
        Description = "IEMOCAP: improvised dialogues only",
    };

    /// <summary>Adds the options; sweep leaves out --heads and --no-attention, which it sets per run.</summary>
    public void AddTo(Command command, bool modelShape = true)
    {
        Option[] all =
        [
            Data,
            Format,
            RecipeName,
            Device,
            Precision,
            Conv,
            ConvKernel,
            ConvBands,
            ConvBandStride,
            ConvLayers,
            Hidden,
            Heads,
            Pool,
            InputStats,
            Dropout,
            AttentionDropout,
            NoAttention,
            Loss,
            Epochs,
            Lr,
            Batch,
            Seed,
            WeightDecay,
            Clip,
            AverageLast,
            Steps,
            BalanceCorpora,
            CorpusLabels,
            CorpusClassWeights,
            ClassWeights,
            SpecAugment,
            Crop,
            Mixup,
            Normalize,
            Feature,
            MelBands,
            DeltaFeatures,
            PitchFeatures,
            SpeedPerturb,
            Task,
            ScoreRange,
            OnlyLabels,
            ExcludeSpeakers,
            FeatureCache,
            ImprovisedOnly,
        ];
        foreach (var option in all)
            if (modelShape || (option != Heads && option != NoAttention))
                command.Options.Add(option);
    }

    /// <summary>The corpus of --data, or several merged (<see cref="Corpus.Merge"/>), with <paramref
    /// name="trainAlso"/>'s corpora after them; <paramref name="tested"/>: the speakers of --data's sources (those of
    /// <paramref name="trainAlso"/> only ever train).</summary>
    public Corpus LoadCorpus(ParseResult r, IReadOnlyList<string> trainAlso, out IReadOnlyList<string> tested)
    {
        var sources = r.GetValue(Data) is { Length: > 0 } given
            ? given
            : [EmoDbOffer.Resolve(Path.Combine("data", "emodb"), DataPaths.EmoDb, EmoDbOffer.ConsolePrompt())];
        Corpus Load(string source)
        {
            var (format, path) = Source(source, r.GetValue(Format));
            return CorpusLoader.Load(path, format, improvisedOnly: r.GetValue(ImprovisedOnly));
        }
        var corpora = sources.Select(Load).ToList();
        var merged = Corpus.Merge([.. corpora, .. trainAlso.Select(Load)]);
        var ofData = merged.Utterances.Take(corpora.Sum(c => c.Utterances.Count)).ToList(); // Merge keeps the order
        if (TrainingArgs.Split(r.GetValue(OnlyLabels)) is { Length: > 0 } labels)
        {
            merged = merged.WithLabels(labels);
            ofData = ofData.Where(u => labels.Contains(u.Label)).ToList();
        }
        if (TrainingArgs.Split(r.GetValue(ExcludeSpeakers)) is { Length: > 0 } excluded)
        {
            merged = merged.WithoutSpeakers(excluded);
            ofData = ofData.Where(u => !excluded.Contains(u.Speaker)).ToList();
        }
        tested = ofData.Select(u => u.Speaker).Distinct().Order(StringComparer.Ordinal).ToList();
        return merged;
    }

    /// <summary>"csv:x.csv" → (Csv, "x.csv"); a path without a known format prefix keeps --format (or
    /// detection).</summary>
    private static (CorpusFormat? Format, string Path) Source(string source, CorpusFormat? format)
    {
        int colon = source.IndexOf(':');
        return
            colon > 0
            && Enum.TryParse<CorpusFormat>(source[..colon], ignoreCase: true, out var prefix)
            && !source[..colon].All(char.IsDigit)
            ? (prefix, source[(colon + 1)..])
            : (format, source);
    }

    public FeatureSet LoadFeatures(ParseResult r) => LoadFeatures(r, [], out _);

    /// <summary>The features of --data's corpora and of <paramref name="trainAlso"/>'s (see <see
    /// cref="LoadCorpus"/>).</summary>
    public FeatureSet LoadFeatures(ParseResult r, IReadOnlyList<string> trainAlso, out IReadOnlyList<string> tested)
    {
        var corpus = LoadCorpus(r, trainAlso, out tested);
        bool regression = r.GetValue(Task) == SerTask.Regression;
        var (frontEnd, speeds) = (FrontEndOf(r), SpeedsOf(r));
        var cache = r.GetValue(FeatureCache) is { } folder ? new FeatureCache(folder) : null;
        var set = Spectre
            .Console.AnsiConsole.Status()
            .Start(
                $"computing features ({frontEnd}) of {corpus.Utterances.Count} utterances…",
                _ => FeatureSet.Load(corpus, regression, frontEnd, speeds, cache: cache)
            );
        Spectre.Console.AnsiConsole.MarkupLine(
            Spectre.Console.Markup.Escape(
                $"{corpus.Name}: {set.Examples.Count} utterances, {corpus.Speakers.Count} speakers, "
                    + (
                        regression
                            ? $"scores {set.Examples.Min(e => e.Score):F2}..{set.Examples.Max(e => e.Score):F2}"
                            : $"{set.Labels.Count} labels"
                    )
            )
        );
        foreach (var p in set.Problems)
            Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[yellow]skipped[/] {p.Path}: {p.Reason}");
        return set;
    }

    /// <summary>--recipe's recipe; commands without the option (spectrogram) start from the paper's.</summary>
    public Recipe RecipeOf(ParseResult r) =>
        Recipe.Load(r.GetValue(RecipeName) is { Length: > 0 } name ? name : "emodb");

    /// <summary>The recipe's front end, or the one --features names; --mel-bands, --deltas and --pitch on
    /// top.</summary>
    public FrontEnd FrontEndOf(ParseResult r)
    {
        var recipe = RecipeOf(r).FrontEnd;
        var kind = r.GetValue(Feature) ?? recipe.Kind;
        var basis =
            kind == recipe.Kind
                ? recipe
                : kind switch
                {
                    FeatureKind.Mel => FrontEnd.Mel(64),
                    FeatureKind.Functionals => FrontEnd.Functionals,
                    _ => FrontEnd.Paper,
                };
        bool deltas = r.GetValue(DeltaFeatures) || basis.Deltas,
            pitch = r.GetValue(PitchFeatures) || basis.Pitch;
        if (kind == FeatureKind.Functionals && (deltas || pitch))
            throw new ArgumentException("--deltas and --pitch add frame features; the functionals are per utterance");
        return basis with
        {
            Bands = kind == FeatureKind.Mel ? r.GetValue(MelBands) ?? basis.Bands : basis.Bands,
            Deltas = deltas,
            Pitch = pitch,
        };
    }

    /// <summary>The speed factors of --speed-perturb, else the recipe's.</summary>
    public IReadOnlyList<double> SpeedsOf(ParseResult r) =>
        Speeds(r) is { Count: > 0 } speeds ? speeds : RecipeOf(r).Training.SpeedPerturbation;

    public IReadOnlyList<double> Speeds(ParseResult r) =>
        TrainingArgs
            .Split(r.GetValue(SpeedPerturb))
            .Select(s =>
                double.TryParse(
                    s,
                    System.Globalization.NumberStyles.Float,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out var v
                )
                && v is >= 0.5 and <= 2
                && v != 1
                    ? v
                    : throw new ArgumentException(
                        $"--speed-perturb: '{s}' is not a speed factor between 0.5 and 2 (other than 1)"
                    )
            )
            .ToList();

    /// <summary>Label names the model carries: the corpus labels, or "score" for regression.</summary>
    public static IReadOnlyList<string> Labels(FeatureSet data, ModelConfig model) =>
        model.Task == SerTask.Regression ? ["score"] : data.Labels;

    public (ModelConfig Model, TrainingOptions Training) Settings(ParseResult r, FeatureSet data)
    {
        var recipe = RecipeOf(r);
        var (model, training) = (recipe.Model, recipe.Training);
        bool regression = r.GetValue(Task) == SerTask.Regression;
        model = model.WithFrontEnd(FrontEndOf(r)) with
        {
            Task = r.GetValue(Task),
            Classes = regression ? 1 : data.Labels.Count,
            ScoreRange = regression
                ? r.GetValue(ScoreRange) ?? Math.Max(1, Math.Ceiling(data.Examples.Max(e => Math.Abs(e.Score))))
                : model.ScoreRange,
            ConvChannels = r.GetValue(Conv) ?? model.ConvChannels,
            ConvKernel = r.GetValue(ConvKernel) ?? model.ConvKernel,
            ConvBandKernel = r.GetValue(ConvBands) ?? model.ConvBandKernel,
            ConvBandStride = r.GetValue(ConvBandStride) ?? model.ConvBandStride,
            ConvLayers = r.GetValue(ConvLayers) ?? model.ConvLayers,
            Hidden = r.GetValue(Hidden) ?? model.Hidden,
            Heads = r.GetValue(Heads) ?? model.Heads,
            Pooling = r.GetValue(Pool) ?? model.Pooling,
            InputStatistics = r.GetValue(InputStats) || model.InputStatistics,
            OutputDropout = r.GetValue(Dropout) ?? model.OutputDropout,
            AttentionDropout = r.GetValue(AttentionDropout) ?? model.AttentionDropout,
            UseAttention = !r.GetValue(NoAttention) && model.UseAttention,
            Loss = r.GetValue(Loss) ?? model.Loss,
        };
        training = training with
        {
            Epochs = r.GetValue(Epochs) ?? training.Epochs,
            LearningRate = r.GetValue(Lr) ?? training.LearningRate,
            BatchSize = r.GetValue(Batch) ?? training.BatchSize,
            Seed = r.GetValue(Seed) ?? training.Seed,
            WeightDecay = r.GetValue(WeightDecay) ?? training.WeightDecay,
            ClipNorm = r.GetValue(Clip) ?? training.ClipNorm,
            ClassWeights = r.GetValue(ClassWeights) || training.ClassWeights,
            AverageLast = r.GetValue(AverageLast) ?? training.AverageLast,
            Steps = r.GetValue(Steps) ?? training.Steps,
            BalanceCorpora = r.GetValue(BalanceCorpora) || training.BalanceCorpora,
            CorpusLabels = r.GetValue(CorpusLabels) || training.CorpusLabels,
            CorpusClassWeights = r.GetValue(CorpusClassWeights) || training.CorpusClassWeights,
            SpecAugment = r.GetValue(SpecAugment) || training.SpecAugment,
            Crop = r.GetValue(Crop) ?? training.Crop,
            Mixup = r.GetValue(Mixup) ?? training.Mixup,
            Normalization = r.GetValue(Normalize) ?? training.Normalization,
            SpeedPerturbation = SpeedsOf(r),
        };
        model.Validate();
        training.Validate();
        if (model.IsFunctionals && (training.SpecAugment || training.Crop > 0))
            throw new ArgumentException(
                "--spec-augment and --crop act on frames; the functionals model reads one row per utterance"
            );
        return (model, training);
    }

    /// <summary>Opens the backend the user asked for and says which one "auto" took.</summary>
    public Func<IBackend<float>> BackendFactory(ParseResult r) =>
        DeviceOption.Factory(r.GetValue(Device)!, r.GetValue(Precision));

    /// <summary>A comma-separated list option (speakers, labels), trimmed, empty entries dropped.</summary>
    public static string[] Split(string? value) =>
        value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
