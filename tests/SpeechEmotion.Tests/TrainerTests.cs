using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class TrainerTests
{
    private static readonly ModelConfig Config = new()
    {
        Hidden = 6,
        Heads = 2,
        FcSize = 8,
        Classes = 3,
    };
    private static readonly TrainingOptions Options = new()
    {
        Epochs = 4,
        LearningRate = 5e-3,
        BatchSize = 4,
        Seed = 7,
    };

    private static TrainingResult Train(
        TrainingOptions options,
        List<Example> train,
        List<Example>? validation = null,
        CancellationToken cancel = default
    ) =>
        new Trainer(new CpuBackend<float>(), Config, options, ToneCorpus.Labels).Train(train, validation, null, cancel);

    [Test]
    public void Same_seed_same_device_gives_identical_weights()
    {
        var data = ToneCorpus.Examples(2, ["a", "b"], 1);
        var first = Train(Options, data);
        var second = Train(Options, data);
        Assert.That(first.History, Has.Count.EqualTo(4));
        foreach (var (name, values) in first.Model.Parameters)
            Assert.That(second.Model.Parameters[name], Is.EqualTo(values), name);
        var other = Train(Options with { Seed = 8 }, data);
        Assert.That(other.Model.Parameters["fc2.weight"], Is.Not.EqualTo(first.Model.Parameters["fc2.weight"]));
    }

    [TestCase(false, 0, 0.0)]
    [TestCase(true, 0, 0.0)]
    [TestCase(false, 8, 0.0)]
    [TestCase(false, 0, 0.4)]
    public void Resumed_run_ends_with_the_weights_of_an_uninterrupted_one(bool speedFactors, int crop, double mixup)
    {
        var data = ToneCorpus.Examples(2, ["a", "b"], 2);
        var options = (speedFactors ? Options with { SpeedPerturbation = [0.9, 1.1] } : Options) with
        {
            Crop = crop,
            Mixup = mixup,
        };
        var uninterrupted = Train(options, data);
        using var dir = new TempDir();
        var checkpointed = options with { CheckpointPath = Path.Combine(dir.Path, "run.ckpt") };
        // Stop in the middle of the second epoch (batch 2 of 4), as Ctrl-C would, then resume.
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAt(cancel, epoch: 1, batch: 1);
        var stopped = new Trainer(new CpuBackend<float>(), Config, checkpointed, ToneCorpus.Labels).Train(
            data,
            null,
            observer,
            cancel.Token
        );
        Assert.That(stopped.Cancelled);
        Assert.That(stopped.History, Has.Count.EqualTo(1));
        Assert.That(
            () => Train(checkpointed with { LearningRate = 1e-2 }, data),
            Throws.TypeOf<ModelFileException>().With.Message.Contains("different training options")
        );
        Assert.That(
            () => Train(checkpointed with { SpeedPerturbation = [0.9] }, data),
            Throws.TypeOf<ModelFileException>().With.Message.Contains("different training options")
        );
        // On one corpus the settings for merged corpora change nothing, so the checkpoint resumes with them.
        var resumed = Train(
            checkpointed with
            {
                SpeedPerturbation = [.. checkpointed.SpeedPerturbation],
                CorpusLabels = true,
            },
            data
        );
        Assert.That(resumed.History.Select(h => h.Epoch), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        foreach (var (name, values) in uninterrupted.Model.Parameters)
            Assert.That(resumed.Model.Parameters[name], Is.EqualTo(values), name);
        Assert.That(
            resumed.History.Select(h => h.TrainLoss),
            Is.EqualTo(uninterrupted.History.Select(h => h.TrainLoss)).Within(1e-12)
        );
        Assert.That(
            resumed.ResumedSeconds,
            Is.EqualTo(stopped.History[0].Seconds).And.GreaterThan(0),
            "the epoch finished before the stop still counts"
        );
        Assert.That(uninterrupted.ResumedSeconds, Is.EqualTo(0));
    }

    private sealed class CancelAt(CancellationTokenSource source, int epoch, int batch) : ITrainingObserver
    {
        public void EpochStarted(int e, int epochs, int batches) { }

        public void BatchDone(int e, int b, double loss)
        {
            if (e == epoch && b == batch)
                source.Cancel();
        }

        public void EpochDone(EpochRecord record) { }
    }

    [Test]
    public void Validation_speakers_select_the_best_epoch_and_the_model_learns()
    {
        var train = ToneCorpus.Examples(3, ["a", "b", "c"], 3);
        var validation = ToneCorpus.Examples(2, ["v"], 4);
        var result = Train(Options with { Epochs = 6 }, train, validation);
        Assert.That(result.Selection, Does.StartWith("early stopping"));
        double bestUa = result.History.Max(h => h.ValidationScore!.Value);
        Assert.That(result.History[result.SelectedEpoch - 1].ValidationScore, Is.EqualTo(bestUa));
        var test = ToneCorpus.Examples(2, ["t"], 5);
        using var model = result.Model.Instantiate(new CpuBackend<float>());
        var metrics = Trainer.Evaluate(model, result.Model.Prepare(test), ToneCorpus.Labels);
        Assert.That(metrics.Ua, Is.GreaterThanOrEqualTo(0.99), "tones are separable on an unseen speaker");
    }

    /// <summary>Runs are deterministic, so the runs that stop after epochs 3 and 4 hold the weights a 4-epoch run
    /// averages with --average-last 2; validation speakers are then reported but do not select.</summary>
    [Test]
    public void Averaging_keeps_the_mean_of_the_last_epochs_weights()
    {
        var train = ToneCorpus.Examples(2, ["a", "b"], 2);
        var validation = ToneCorpus.Examples(1, ["v"], 4);
        var third = Train(Options with { Epochs = 3 }, train);
        var fourth = Train(Options, train);
        var averaged = Train(Options with { AverageLast = 2 }, train, validation);
        Assert.That(averaged.Selection, Does.StartWith("weight average of the last 2 epochs (3–4)"));
        Assert.That(averaged.SelectedEpoch, Is.EqualTo(4));
        Assert.That(averaged.History.Select(h => h.ValidationScore), Has.All.Not.Null, "validation is still reported");
        foreach (var (name, values) in fourth.Model.Parameters)
        {
            var mean = values.Select((v, i) => (v + third.Model.Parameters[name][i]) / 2).ToArray();
            Assert.That(averaged.Model.Parameters[name], Is.EqualTo(mean).Within(1e-6), name);
            Assert.That(
                averaged.Model.Parameters[name],
                Is.Not.EqualTo(values),
                name + " differs from the last epoch's"
            );
        }
        Assert.That(
            Train(Options with { AverageLast = 4 }, train).Selection,
            Does.StartWith("weight average of the last 4 epochs (1–4)")
        );
        Assert.That(
            () => Train(Options with { AverageLast = 5 }, train),
            Throws.ArgumentException.With.Message.Contains("between 0 and 4")
        );
    }

    /// <summary>Stopped inside the averaging window, the resumed run ends with the uninterrupted run's average; a
    /// different epoch count would move the window, so resuming with one is refused.</summary>
    [Test]
    public void Averaging_survives_a_resume()
    {
        var data = ToneCorpus.Examples(2, ["a", "b"], 2);
        var options = Options with { AverageLast = 2 };
        var uninterrupted = Train(options, data);
        using var dir = new TempDir();
        var checkpointed = options with { CheckpointPath = Path.Combine(dir.Path, "run.ckpt") };
        using var cancel = new CancellationTokenSource();
        var stopped = new Trainer(new CpuBackend<float>(), Config, checkpointed, ToneCorpus.Labels).Train(
            data,
            null,
            new CancelAt(cancel, epoch: 3, batch: 1),
            cancel.Token
        );
        Assert.That(stopped.History, Has.Count.EqualTo(3));
        Assert.That(
            () => Train(checkpointed with { Epochs = 5 }, data),
            Throws.TypeOf<ModelFileException>().With.Message.Contains("different training options")
        );
        var resumed = Train(checkpointed, data);
        foreach (var (name, values) in uninterrupted.Model.Parameters)
            Assert.That(resumed.Model.Parameters[name], Is.EqualTo(values), name);
    }

    /// <summary>Crops change what a step sees (tone utterances are 7–22 frames), yet the tones are still
    /// learned.</summary>
    [Test]
    public void Random_crops_change_training_and_the_model_still_learns()
    {
        var train = ToneCorpus.Examples(3, ["a", "b", "c"], 3);
        var whole = Train(Options with { Epochs = 6 }, train);
        var cropped = Train(Options with { Epochs = 6, Crop = 8 }, train);
        Assert.That(cropped.Model.Parameters["fc2.weight"], Is.Not.EqualTo(whole.Model.Parameters["fc2.weight"]));
        var test = ToneCorpus.Examples(2, ["t"], 5);
        using var model = cropped.Model.Instantiate(new CpuBackend<float>());
        Assert.That(
            Trainer.Evaluate(model, cropped.Model.Prepare(test), ToneCorpus.Labels).Ua,
            Is.GreaterThanOrEqualTo(0.99)
        );
        Assert.That(
            () => Train(Options with { Crop = -1 }, train),
            Throws.ArgumentException.With.Message.Contains("a crop of -1 frames")
        );
    }

    /// <summary>Mixup trains on blends of two tones with blended labels, yet each pure tone is still
    /// recognised.</summary>
    [Test]
    public void Mixup_changes_training_and_the_model_still_learns()
    {
        var train = ToneCorpus.Examples(3, ["a", "b", "c"], 3);
        var plain = Train(Options with { Epochs = 6 }, train);
        var mixed = Train(Options with { Epochs = 6, Mixup = 0.4, ClassWeights = true }, train);
        Assert.That(mixed.Model.Parameters["fc2.weight"], Is.Not.EqualTo(plain.Model.Parameters["fc2.weight"]));
        Assert.That(
            mixed.History[^1].TrainLoss,
            Is.GreaterThan(plain.History[^1].TrainLoss),
            "mixed targets cannot be fitted as tightly"
        );
        var test = ToneCorpus.Examples(2, ["t"], 5);
        using var model = mixed.Model.Instantiate(new CpuBackend<float>());
        Assert.That(
            Trainer.Evaluate(model, mixed.Model.Prepare(test), ToneCorpus.Labels).Ua,
            Is.GreaterThanOrEqualTo(0.99)
        );
        Assert.That(
            () => Train(Options with { Mixup = -0.5 }, train),
            Throws.ArgumentException.With.Message.Contains("mixup α -0.5")
        );
    }

    [Test]
    public void Saved_model_predicts_the_same_after_a_round_trip()
    {
        var data = ToneCorpus.Examples(1, ["a"], 6);
        var result = Train(Options with { Epochs = 1 }, data);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "m.ser");
        result.Model.Save(path);
        var loaded = SavedModel.Load(path);
        Assert.That(loaded.Config, Is.EqualTo(result.Model.Config));
        Assert.That(loaded.Labels, Is.EqualTo(ToneCorpus.Labels));
        Assert.That(loaded.Normalizer.Mean, Is.EqualTo(result.Model.Normalizer.Mean));
        Assert.That(loaded.Summary["selection"]!.GetValue<string>(), Does.StartWith("fixed epochs"));
        using var a = result.Model.Instantiate(new CpuBackend<float>());
        using var b = loaded.Instantiate(new CpuBackend<float>());
        var set = loaded.Prepare(data);
        Assert.That(Predictor.Probabilities(b, set), Is.EqualTo(Predictor.Probabilities(a, set)));
    }
}

public class SpeakerNormalizationTests
{
    [Test]
    public void Each_speaker_is_standardised_with_its_own_statistics_and_the_mode_is_saved()
    {
        var data = ToneCorpus.Examples(2, ["a", "b"], 9);
        // Make speaker b much louder: a constant offset in log power on every bin.
        data = data.Select(e =>
                e.Utterance.Speaker == "b" ? e with { Features = e.Features.Select(v => v + 5f).ToArray() } : e
            )
            .ToList();
        var global = SpeechEmotion.Features.FeatureNormalizer.Fit(
            data.Select(e => e.Features),
            SpeechEmotion.Features.Spectrogram.Bins
        );
        var set = new NormalizedSet(data, global, SpeechEmotion.Features.FeatureNormalization.Speaker);
        foreach (var speaker in new[] { "a", "b" })
        {
            var frames = set
                .Examples.Select((e, i) => (e, i))
                .Where(x => x.e.Utterance.Speaker == speaker)
                .SelectMany(x => set.Features[x.i].Chunk(400))
                .ToList();
            double meanBin7 = frames.Average(f => f[7]);
            Assert.That(meanBin7, Is.EqualTo(0).Within(1e-4), speaker);
        }
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 4,
            Normalization = SpeechEmotion.Features.FeatureNormalization.Speaker,
        };
        var result = new Trainer(
            new SpeechEmotion.Engine.Cpu.CpuBackend<float>(),
            new SpeechEmotion.Model.ModelConfig
            {
                Hidden = 4,
                Heads = 2,
                FcSize = 4,
                Classes = 3,
            },
            options,
            ToneCorpus.Labels
        ).Train(data, null);
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "m.ser");
        result.Model.Save(path);
        Assert.That(
            SpeechEmotion.Serialization.SavedModel.Load(path).Normalization,
            Is.EqualTo(SpeechEmotion.Features.FeatureNormalization.Speaker)
        );
    }

    [Test]
    public void Utterance_normalisation_standardises_each_utterance_alone_and_the_functionals_model_refuses_it()
    {
        var data = ToneCorpus.Examples(2, ["a", "b"], 9);
        int bins = SpeechEmotion.Features.Spectrogram.Bins;
        var global = SpeechEmotion.Features.FeatureNormalizer.Fit(data.Select(e => e.Features), bins);
        var set = new NormalizedSet(data, global, SpeechEmotion.Features.FeatureNormalization.Utterance);
        var alone = new NormalizedSet([data[3]], global, SpeechEmotion.Features.FeatureNormalization.Utterance);
        Assert.That(alone.Features[0], Is.EqualTo(set.Features[3]), "the other utterances change nothing");
        for (int i = 0; i < set.Count; i++)
        {
            var frames = set.Features[i].Chunk(bins).ToList();
            Assert.That(frames.Average(f => f[7]), Is.EqualTo(0).Within(1e-4), $"utterance {i}, bin 7 mean");
            double variance = frames.Average(f => f[7] * (double)f[7]);
            Assert.That(variance, Is.EqualTo(1).Within(1e-3).Or.EqualTo(0).Within(1e-9), $"utterance {i}, bin 7");
        }
        var options = new TrainingOptions
        {
            Epochs = 1,
            Normalization = SpeechEmotion.Features.FeatureNormalization.Utterance,
        };
        var functionals = new SpeechEmotion.Model.ModelConfig { Classes = 3, FcSize = 0 }.WithFrontEnd(
            SpeechEmotion.Features.FrontEnd.Functionals
        );
        Assert.That(
            () =>
                new Trainer(
                    new SpeechEmotion.Engine.Cpu.CpuBackend<float>(),
                    functionals,
                    options,
                    ToneCorpus.Labels
                ).Train(data, null),
            Throws.ArgumentException.With.Message.Contains("one vector")
        );
    }

    [Test]
    public void A_step_budget_sets_the_epochs_from_the_training_set_and_keeps_the_averaged_share()
    {
        var recipe = new TrainingOptions
        {
            Epochs = 20,
            AverageLast = 10,
            Steps = 600,
        };
        Assert.That(recipe.ForEpochOf(10), Is.EqualTo(recipe with { Epochs = 60, AverageLast = 30 }));
        Assert.That(recipe.ForEpochOf(70), Is.EqualTo(recipe with { Epochs = 9, AverageLast = 5 }));
        Assert.That(recipe.ForEpochOf(1000), Is.EqualTo(recipe with { Epochs = 2, AverageLast = 1 }), "at least two");
        Assert.That((recipe with { Steps = 0 }).ForEpochOf(10), Is.EqualTo(recipe with { Steps = 0 }));
        Assert.That(
            () => (recipe with { Steps = -1 }).Validate(),
            Throws.ArgumentException.With.Message.Contains("steps")
        );

        var data = ToneCorpus.Examples(2, ["a", "b"], 4); // 12 utterances: 3 batches of 4 per epoch
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 4,
            Steps = 9,
        };
        var config = new SpeechEmotion.Model.ModelConfig
        {
            Hidden = 4,
            Heads = 2,
            FcSize = 4,
            Classes = 3,
        };
        var result = new Trainer(
            new SpeechEmotion.Engine.Cpu.CpuBackend<float>(),
            config,
            options,
            ToneCorpus.Labels
        ).Train(data, null);
        Assert.That(data, Has.Count.EqualTo(12));
        Assert.That(result.History, Has.Count.EqualTo(3), "9 steps / 3 batches per epoch");
    }
}
