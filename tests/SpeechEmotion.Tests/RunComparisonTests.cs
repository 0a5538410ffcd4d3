using System.Text;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Report loading and the per-utterance ANOVA behind `ser compare` and `ser sweep`.</summary>
public class RunComparisonTests
{
    private static string Report(
        TempDir dir,
        string name,
        params (string Path, string Truth, string Predicted)[] predictions
    )
    {
        var rows = string.Join(
            ",",
            predictions.Select(p =>
                $$"""{"speaker":"03","path":"{{p.Path}}","truth":"{{p.Truth}}","predicted":"{{p.Predicted}}"}"""
            )
        );
        return dir.File(
            name,
            Encoding.UTF8.GetBytes(
                $$"""{"ua":0.5,"wa":0.6,"macro_f1":0.4,"protocol":"","selection":"","device":"","folds":[], """
                    + $$"""  "predictions":[{{rows}}]}"""
            )
        );
    }

    [Test]
    public void Anova_uses_per_utterance_correctness_in_the_same_order()
    {
        using var dir = new TempDir();
        // listed in different orders: correctness must be matched by utterance, not by position
        var a = RunStats.Load(
            Report(
                dir,
                "a.json",
                ("x", "anger", "anger"),
                ("y", "fear", "anger"),
                ("z", "fear", "fear"),
                ("w", "sadness", "anger")
            )
        );
        var b = RunStats.Load(
            Report(
                dir,
                "b.json",
                ("w", "sadness", "sadness"),
                ("z", "fear", "fear"),
                ("y", "fear", "fear"),
                ("x", "anger", "anger")
            )
        );
        Assert.That(a.MacroF1, Is.EqualTo(0.4));
        var expected = Anova.OneWay([
            [1.0, 0, 0, 1],
            [1.0, 1, 1, 1],
        ]); // keys w, x, y, z
        var result = RunComparison.Anova([a, b]);
        Assert.That(result, Is.EqualTo(expected));
        Assert.That(result.P, Is.GreaterThan(0).And.LessThan(1));
    }

    [Test]
    public void Runs_over_different_utterances_or_without_predictions_are_refused_with_the_file_named()
    {
        using var dir = new TempDir();
        var a = RunStats.Load(Report(dir, "a.json", ("x", "anger", "anger"), ("y", "fear", "anger")));
        var other = RunStats.Load(Report(dir, "other.json", ("x", "anger", "anger"), ("q", "fear", "anger")));
        Assert.That(
            () => RunComparison.Anova([a, other]),
            Throws.ArgumentException.With.Message.Contains("other.json").And.Message.Contains("utterances differ")
        );
        var plain = dir.File("train.json", """{"ua":0.5,"wa":0.5}"""u8.ToArray());
        Assert.That(
            () => RunStats.Load(plain),
            Throws
                .InstanceOf<InvalidDataException>()
                .With.Message.Contains("train.json")
                .And.Message.Contains("not a run report")
        );
        var broken = dir.File("broken.json", "{\"ua\":"u8.ToArray());
        Assert.That(
            () => RunStats.Load(broken),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("broken.json: not a run report")
        );
    }
}
