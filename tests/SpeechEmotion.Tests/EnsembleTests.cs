using SpeechEmotion.Evaluation;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class EnsembleTests
{
    private static readonly string[] Labels = ["a", "b", "c"];

    private static FoldResult Fold(string speaker, params (string Path, int Truth, float[] P)[] utterances)
    {
        var predictions = utterances
            .Select(u => new UtterancePrediction(u.Path, speaker, u.Truth, Training.Predictor.ArgMax(u.P), u.P))
            .ToList();
        var confusion = ClassificationMetrics.From(Labels, predictions.Select(p => (p.Truth, p.Predicted))).Confusion;
        return new FoldResult([speaker], [], confusion, 5, 4, "fixed", 10, [], predictions, Device: "cpu");
    }

    [Test]
    public void Members_probabilities_are_averaged_per_utterance_and_the_argmax_is_recomputed()
    {
        // Each member gets u1 wrong with a narrow margin the other member outweighs, so only the ensemble is right on
        // both.
        var first = Fold("03", ("u1.wav", 0, [0.40f, 0.45f, 0.15f]), ("u2.wav", 2, [0.1f, 0.1f, 0.8f]));
        var second = Fold("03", ("u2.wav", 2, [0.3f, 0.4f, 0.3f]), ("u1.wav", 0, [0.7f, 0.2f, 0.1f]));
        var other = Fold("08", ("v1.wav", 1, [0.2f, 0.5f, 0.3f]));
        var combined = Ensemble.Combine(Labels, [("A", [first, other]), ("B", [other, second])]);

        Assert.That(combined, Has.Count.EqualTo(2));
        var fold03 = combined.Single(f => f.Speakers[0] == "03");
        var u1 = fold03.Predictions.Single(p => p.Path == "u1.wav");
        Assert.That(u1.Probabilities, Is.EqualTo(new[] { 0.55f, 0.325f, 0.125f }).Within(1e-6));
        Assert.That(u1.Predicted, Is.EqualTo(0));
        Assert.That(
            fold03.Predictions.Single(p => p.Path == "u2.wav").Predicted,
            Is.EqualTo(2),
            "0.55 for c beats 0.25 for b"
        );
        Assert.That(fold03.Metrics(Labels).Wa, Is.EqualTo(1.0));
        Assert.That(fold03.Seconds, Is.EqualTo(20), "the members' time together");
    }

    [Test]
    public void Runs_over_different_folds_or_utterances_are_refused_naming_the_run()
    {
        var a = Fold("03", ("u1.wav", 0, [0.5f, 0.3f, 0.2f]));
        var missing = Fold("03", ("u9.wav", 0, [0.5f, 0.3f, 0.2f]));
        var relabelled = Fold("03", ("u1.wav", 1, [0.5f, 0.3f, 0.2f]));
        Assert.That(
            () => Ensemble.Combine(Labels, [("A", [a]), ("B", [Fold("08", ("u1.wav", 0, [1f, 0f, 0f]))])]),
            Throws.ArgumentException.With.Message.EqualTo("B: has no finished fold 03")
        );
        Assert.That(
            () => Ensemble.Combine(Labels, [("A", [a]), ("B", [missing])]),
            Throws.ArgumentException.With.Message.Contains("B: fold 03 has no prediction for u1.wav")
        );
        Assert.That(
            () => Ensemble.Combine(Labels, [("A", [a]), ("B", [relabelled])]),
            Throws.ArgumentException.With.Message.Contains("disagrees")
        );
        Assert.That(
            () => Ensemble.Combine(Labels, [("A", [a])]),
            Throws.ArgumentException.With.Message.Contains("at least two")
        );
    }

    [Test]
    public void A_report_gives_back_its_folds_with_probabilities_and_an_old_report_is_refused()
    {
        var folds = new[]
        {
            Fold("03", ("/data/u1.wav", 0, [0.40f, 0.45f, 0.15f]), ("/data/u2.wav", 2, [0.1f, 0.1f, 0.8f])),
            Fold("08", ("/data/v1.wav", 1, [0.2f, 0.5f, 0.3f])),
        };
        var config = new SpeechEmotion.Model.ModelConfig { Classes = 3 };
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.json");
        File.WriteAllText(path, RunReport.Of(Labels, folds, config, new TrainingOptions(), "test", "cpu").ToJson());
        var report = RunReport.Load(path);
        var back = report.Results("report.json");
        Assert.That(back, Has.Count.EqualTo(2));
        for (int f = 0; f < 2; f++)
        {
            Assert.That(back[f].Speakers, Is.EqualTo(folds[f].Speakers));
            Assert.That(back[f].Confusion, Is.EqualTo(folds[f].Confusion));
            Assert.That(
                back[f].Predictions.Select(p => (p.Path, p.Speaker, p.Truth, p.Predicted)),
                Is.EqualTo(
                    folds[f].Predictions.Select(p => (Path.GetFileName(p.Path), p.Speaker, p.Truth, p.Predicted))
                )
            );
            Assert.That(
                back[f].Predictions.Select(p => p.Probabilities),
                Is.EqualTo(folds[f].Predictions.Select(p => p.Probabilities)),
                "floats written shortest, read exact"
            );
        }
        var old = report with { Predictions = [.. report.Predictions.Select(p => p with { Probabilities = null })] };
        Assert.That(
            () => old.Results("old/report.json"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("old/report.json: its predictions carry no")
        );
    }
}
