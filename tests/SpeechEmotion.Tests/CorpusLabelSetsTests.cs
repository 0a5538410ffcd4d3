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
