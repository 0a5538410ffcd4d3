using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class CorpusLabelSetsTests
{
    private static readonly ModelConfig Config = new()
    {
        Hidden = 4,
        Heads = 2,
        FcSize = 4,
        Classes = 3,
        Loss = LossKind.CrossEntropy,
    };

    /// <summary>Corpus a has all three tones, corpus b no "high" (label 2).</summary>
    private static List<Example> TwoCorpora() =>
        [
            .. ToneCorpus
                .Examples(2, ["a/1", "a/2", "b/1", "b/2"], 3)
                .Where(e => !(e.Utterance.Speaker[0] == 'b' && e.Label == 2)),
        ];

    [Test]
    public void Each_example_gets_the_labels_of_its_corpus_and_one_label_set_needs_no_mask()
    {
        var data = TwoCorpora();
        var masks = CorpusLabelSets.Masks(data, 3);
        Assert.That(masks, Is.Not.Null);
        for (int i = 0; i < data.Count; i++)
            Assert.That(
                masks![i],
                Is.EqualTo(data[i].Utterance.Speaker[0] == 'a' ? 0b111 : 0b011),
                data[i].Utterance.Speaker
            );
        Assert.That(CorpusLabelSets.Masks(ToneCorpus.Examples(1, ["1", "2"], 3), 3), Is.Null, "one corpus");
        Assert.That(CorpusLabelSets.Masks(ToneCorpus.Examples(1, ["a/1", "b/1"], 3), 3), Is.Null, "the same labels");
        Assert.That(() => CorpusLabelSets.Masks(data, 32), Throws.ArgumentException.With.Message.Contains("31"));
    }

    /// <summary>The masks reach the loss (the weights differ from plain training), mixup's partners from another
    /// corpus are inside their row's mask (the CPU loss refuses a target outside it), and where every corpus has
    /// every label the run is exactly the plain one.</summary>
    [Test]
    public void Training_with_corpus_labels_masks_only_where_corpora_differ()
    {
        var options = new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 4,
            Mixup = 0.4,
            LearningRate = 1e-2,
        };
        using var backend = new CpuBackend<float>();
        float[] Weights(List<Example> data, bool corpusLabels) =>
            new Trainer(backend, Config, options with { CorpusLabels = corpusLabels }, ToneCorpus.Labels)
                .Train(data, null)
                .Model.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal)
                .SelectMany(p => p.Value)
                .ToArray();
        var data = TwoCorpora();
        Assert.That(Weights(data, true), Is.Not.EqualTo(Weights(data, false)), "masked");
        var same = ToneCorpus.Examples(1, ["a/1", "b/1"], 3);
        Assert.That(Weights(same, true), Is.EqualTo(Weights(same, false)), "nothing to mask");
        var regression = Config with { Task = SerTask.Regression, Classes = 1 };
        Assert.That(
            () => new Trainer(backend, regression, options with { CorpusLabels = true }, ["score"]).Train(data, null),
            Throws.ArgumentException.With.Message.Contains("regression")
        );
    }
}

public class ClassWeightingTests
{
    private static Example Of(string speaker, int label) =>
        new(new SpeechEmotion.Corpora.Utterance($"/c/{speaker}-{label}.wav", label.ToString(), speaker), [], label);

    [Test]
    public void Over_the_union_a_class_weighs_N_over_C_n_and_by_corpus_each_corpus_balances_its_own_classes()
    {
        // Corpus a: classes 0, 0, 1, 2; corpus b: 0, 1, 1, 1 (no class 2).
        List<Example> train = [Of("a/1", 0), Of("a/1", 0), Of("a/2", 1), Of("a/2", 2), Of("b/1", 0), Of("b/1", 1)];
        train.AddRange([Of("b/2", 1), Of("b/2", 1)]);
        int[] visits = [.. Enumerable.Range(0, train.Count)];
        // Union: n = (3, 4, 1), N = 8, C = 3.
        float[] union = [8f / 9, 8f / 9, 8f / 12, 8f / 3, 8f / 9, 8f / 12, 8f / 12, 8f / 12];
        Assert.That(ClassWeighting.PerExample(train, visits, 3, byCorpus: false), Is.EqualTo(union));
        // a: n = (2, 1, 1), N 4, C 3; b: n = (1, 3), N 4, C 2.
        float[] byCorpus = [4f / 6, 4f / 6, 4f / 3, 4f / 3, 4f / 2, 4f / 6, 4f / 6, 4f / 6];
        var weights = ClassWeighting.PerExample(train, visits, 3, byCorpus: true);
        Assert.That(weights, Is.EqualTo(byCorpus));
        Assert.That(weights.Take(4).Average(), Is.EqualTo(1).Within(1e-6), "a's mean weight");
        Assert.That(weights.Skip(4).Average(), Is.EqualTo(1).Within(1e-6), "b's mean weight");
        // One corpus with every class: both ways give the same weights; repeated visits count.
        var one = train.Take(4).ToList();
        int[] twice = [0, 1, 2, 3, 3];
        Assert.That(
            ClassWeighting.PerExample(one, twice, 3, byCorpus: true),
            Is.EqualTo(ClassWeighting.PerExample(one, twice, 3, byCorpus: false))
        );
        Assert.That(ClassWeighting.PerExample(one, twice, 3, byCorpus: false)[3], Is.EqualTo(5f / 6));
        Assert.That(
            () => new TrainingOptions { CorpusClassWeights = true }.Validate(),
            Throws.ArgumentException.With.Message.Contains("need class weights")
        );
    }
}
