using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>A seven-label model scored on a corpus that has four of its labels: argmax over those four.</summary>
public class CrossCorpusTests
{
    [Test, Category("Slow")]
    public void A_model_is_scored_on_the_labels_a_corpus_has()
    {
        using var dir = new TempDir();
        var rows = new[]
        {
            ("03a01Wa", "anger"),
            ("08a02Tb", "sadness"),
            ("03a01Nc", "neutral"),
            ("03a02Fc", "happiness"),
        };
        string csv = dir.File(
            "four.csv",
            System.Text.Encoding.UTF8.GetBytes(
                string.Join("\n", rows.Select(r => $"{TestData.EmoDbWav(r.Item1)},{r.Item2},{r.Item1[..2]}")) + "\n"
            )
        );
        var saved = SavedModel.Load(RecognizerTests.ShippedModel("emodb"));
        var corpus = CsvCorpus.Load(csv);
        var set = saved.Prepare(FeatureSet.Load(corpus, frontEnd: saved.Config.InputFrontEnd()).Examples);
        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        using var model = saved.Instantiate(backend);
        var metrics = Trainer.EvaluateOnLabels(model, set, saved.Labels, corpus.Labels);
        Assert.That(metrics.Labels, Is.EqualTo(corpus.Labels));

        // By hand: the most probable of the corpus's four labels.
        var probs = Predictor.Probabilities(model, set);
        var columns = corpus.Labels.Select(l => saved.Labels.ToList().IndexOf(l)).ToArray();
        int correct = set
            .Examples.Select(
                (e, i) =>
                    columns.Select(c => probs[i][c]).ToList().IndexOf(columns.Select(c => probs[i][c]).Max()) == e.Label
                        ? 1
                        : 0
            )
            .Sum();
        Assert.That(metrics.Confusion.Select((row, t) => row[t]).Sum(), Is.EqualTo(correct));

        Assert.That(
            () => Trainer.EvaluateOnLabels(model, set, saved.Labels, [.. corpus.Labels.Take(3), "contempt"]),
            Throws.ArgumentException.With.Message.Contains("'contempt' is not one of the model's")
        );
        var (code, output) = SerProcess.Run(
            "evaluate",
            "--model",
            RecognizerTests.ShippedModel("emodb"),
            "--data",
            csv,
            "--device",
            "cpu"
        );
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("scored on the corpus's 4 labels"));
    }
}
