using SpeechEmotion.Evaluation;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class EvaluationTests
{
    [Test]
    public void Metrics_match_hand_computation()
    {
        // truth a: 3 utterances (2 right, 1 → b); truth b: 1 (right); truth c: 2 (1 right, 1 → a)
        var m = ClassificationMetrics.From(["a", "b", "c"], [(0, 0), (0, 0), (0, 1), (1, 1), (2, 2), (2, 0)]);
        Assert.That(m.Confusion, Is.EqualTo(new[] { new[] { 2, 1, 0 }, new[] { 0, 1, 0 }, new[] { 1, 0, 1 } }));
        Assert.That(m.PerClassRecall, Is.EqualTo(new[] { 2.0 / 3, 1.0, 0.5 }).Within(1e-12));
        Assert.That(m.Ua, Is.EqualTo((2.0 / 3 + 1 + 0.5) / 3).Within(1e-12));
        Assert.That(m.Wa, Is.EqualTo(4.0 / 6).Within(1e-12));
        // precision: a 2/3, b 1/2, c 1/1
        Assert.That(m.MacroPrecision, Is.EqualTo((2.0 / 3 + 0.5 + 1) / 3).Within(1e-12));
        double F(double p, double r) => 2 * p * r / (p + r);
        Assert.That(m.MacroF1, Is.EqualTo((F(2.0 / 3, 2.0 / 3) + F(0.5, 1) + F(1, 0.5)) / 3).Within(1e-12));
    }

    [Test]
    public void Ua_ignores_classes_absent_from_the_truth()
    {
        var m = ClassificationMetrics.From(["a", "b", "c"], [(0, 0), (0, 2), (1, 1)]);
        Assert.That(double.IsNaN(m.PerClassRecall[2]));
        Assert.That(m.Ua, Is.EqualTo(0.75).Within(1e-12));
    }

    [Test]
    public void Anova_matches_a_textbook_example()
    {
        // Groups {1,2,3}, {4,5,6}, {7,8,9}: means 2, 5, 8, grand mean 5; SSB = 3·(9 + 0 + 9) = 54, SSW = 3·2 = 6,
        // F = (54/2)/(6/6) = 27 with df (2, 6).
        var r = Anova.OneWay([
            [1, 2, 3],
            [4, 5, 6],
            [7, 8, 9],
        ]);
        Assert.That(r.F, Is.EqualTo(27).Within(1e-12));
        Assert.That((r.DfBetween, r.DfWithin), Is.EqualTo((2, 6)));
        Assert.That(
            r.P,
            Is.EqualTo(Math.Pow(1 + 27.0 * 2 / 6, -3)).Within(1e-12),
            "for df1 = 2 the tail is (1 + F·df1/df2)^(−df2/2)"
        );
    }

    [Test]
    public void Folds_and_validation_speakers_never_include_the_test_speaker()
    {
        string[] speakers = ["03", "08", "09", "10", "11"];
        Assert.That(FoldPlan.Folds(speakers), Has.Count.EqualTo(5));
        Assert.That(FoldPlan.Folds(speakers, "08,11").Select(f => f.Single()), Is.EqualTo(new[] { "08", "11" }));
        var groups = FoldPlan.Folds(speakers, groups: 2);
        Assert.That(groups.SelectMany(g => g).Order(), Is.EqualTo(speakers));
        Assert.That(FoldPlan.ValidationSpeakers(speakers, ["11"], 2), Is.EqualTo(new[] { "03", "08" }));
        Assert.That(FoldPlan.ValidationSpeakers(speakers, ["09"], 1), Is.EqualTo(new[] { "10" }));
        Assert.Throws<ArgumentException>(() => FoldPlan.Folds(speakers, "99"));
    }
}
