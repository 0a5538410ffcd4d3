using System.Text.Json.Nodes;
using SpeechEmotion.Data;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class RunReportTests
{
    private static readonly string[] Labels = ["anger", "joy", "sadness"];

    private static FoldResult Fold(string speaker, int[][] confusion, double? score = null)
    {
        var predictions = new List<UtterancePrediction>();
        for (int t = 0; t < confusion.Length; t++)
        for (int p = 0; p < confusion.Length; p++)
        for (int n = 0; n < confusion[t][p]; n++)
            predictions.Add(
                new(
                    $"/corpus/{speaker}-{t}{p}{n}.wav",
                    speaker,
                    t,
                    p,
                    [.. Enumerable.Range(0, 3).Select(c => c == p ? 0.6123456789f : 0.2f)],
                    score ?? t - 1.0,
                    score is null ? null : p - 1.0
                )
            );
        var history = new List<EpochRecord> { new(1, 1.23456789, 0.5, 2.345), new(2, 0.9876543, null, 4.21) };
        return new FoldResult([speaker], ["v1"], confusion, 2, 1, "fixed", 12.345, history, predictions)
        {
            Device = "cpu",
            ScoreRange = score is null ? 0 : 1,
        };
    }

    private static readonly FoldResult[] Folds =
    [
        Fold(
            "03",
            [
                [2, 1, 0],
                [0, 3, 0],
                [0, 0, 0],
            ]
        ),
        Fold(
            "08",
            [
                [1, 0, 0],
                [0, 1, 1],
                [1, 0, 2],
            ]
        ),
    ];

    [Test]
    public void A_classification_report_holds_the_keys_readers_use_and_pooled_scores_of_all_folds()
    {
        var report = RunReport.Of(Labels, Folds, new ModelConfig { Classes = 3 }, new TrainingOptions(), "p", "cpu");
        var json = JsonNode.Parse(report.ToJson())!;
        string[] keys = ["ua", "wa", "macro_f1", "utterances", "labels", "per_class_recall", "confusion", "task"];
        foreach (var key in keys.Concat(["protocol", "selection", "device", "config", "training", "folds"]))
            Assert.That(json[key], Is.Not.Null, key);
        Assert.That(json["mae"], Is.Null, "no regression keys in a classification report");
        Assert.That(json["task"]!.GetValue<string>(), Is.EqualTo("classification"));
        // Pooled: anger 3/4, joy 4/5, sadness 2/3 → UA = mean recall, WA = 9/12.
        Assert.That(report.Ua, Is.EqualTo((0.75 + 0.8 + 2.0 / 3) / 3).Within(1e-12));
        Assert.That(report.Wa, Is.EqualTo(9.0 / 12).Within(1e-12));
        var fold = json["folds"]![0]!;
        Assert.That(fold["per_class_recall"]![2], Is.Null, "sadness is absent from fold 03's truth");
        Assert.That(fold["seconds"]!.GetValue<double>(), Is.EqualTo(12.3));
        Assert.That(fold["history"]![0]!["TrainLoss"]!.GetValue<double>(), Is.EqualTo(1.234568));
        Assert.That(fold["history"]![1]!["ValidationScore"], Is.Null);
        var prediction = json["predictions"]![0]!;
        Assert.That(prediction["path"]!.GetValue<string>(), Is.EqualTo("03-000.wav"), "file names, not paths");
        Assert.That(prediction["truth"]!.GetValue<string>(), Is.EqualTo("anger"));
        Assert.That(prediction["probabilities"]![0]!.GetValue<float>(), Is.EqualTo(0.612346f));
        Assert.That(prediction["score"], Is.Null);
        Assert.That(json["config"]!["Classes"]!.GetValue<int>(), Is.EqualTo(3), "the config as model files name it");
        Assert.That(json["training"]!["Epochs"], Is.Not.Null);
    }

    [Test]
    public void A_regression_report_holds_the_sentiment_keys_and_its_markdown_the_paper_table()
    {
        var folds = new[]
        {
            Fold(
                "03",
                [
                    [1, 1, 0],
                    [0, 2, 0],
                    [0, 1, 1],
                ],
                score: 0.5
            ),
        };
        var config = new ModelConfig { Task = SerTask.Regression, ScoreRange = 1 };
        var report = RunReport.Of(Labels, folds, config, new TrainingOptions(), "p", "cpu");
        var json = JsonNode.Parse(report.ToJson())!;
        foreach (var key in new[] { "mae", "acc_2", "f1", "acc_5" })
        {
            Assert.That(json[key], Is.Not.Null, key);
            Assert.That(json["folds"]![0]![key], Is.Not.Null, $"fold {key}");
        }
        Assert.That(json["ua"], Is.Null, "no classification keys in a regression report");
        Assert.That(json["predictions"]![0]!["predicted_score"], Is.Not.Null);
        Assert.That(json["predictions"]![0]!["probabilities"], Is.Null);
        Assert.That(RunReportMarkdown.Of(report, "t"), Does.Contain("| MAE | Corr | Acc-2 (%)"));
    }

    /// <summary>Every report.json the repository holds (older versions wrote some) reads back, its pooled UA is the
    /// mean recall of its confusion matrix, writing what was read and reading it again changes nothing, and its
    /// report.md is what the typed writer writes.</summary>
    [Test]
    public void Every_committed_report_reads_back_and_round_trips()
    {
        var reports = Directory
            .GetFiles(Path.Combine(DataPaths.RepositoryRoot()!, "docs"), "report.json", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.That(reports, Has.Count.GreaterThan(20));
        using var dir = new TempDir();
        string back = Path.Combine(dir.Path, "report.json");
        int sameMarkdown = 0;
        foreach (var path in reports)
        {
            var report = RunReport.Load(path);
            Assert.That(report.Folds, Is.Not.Empty, path);
            if (!report.IsRegression)
            {
                var metrics = new ClassificationMetrics(report.Labels!, report.Confusion!);
                Assert.That(report.Ua, Is.EqualTo(metrics.Ua).Within(1e-9), path);
                Assert.That(report.Predictions, Has.Count.EqualTo(metrics.Total), path);
            }
            // report.md as the untyped writer wrote it, since folds recorded their device.
            var md = Path.ChangeExtension(path, ".md");
            if (File.Exists(md) && File.ReadAllText(md) is var text && text.Contains("| seconds | device |"))
            {
                Assert.That(RunReportMarkdown.Of(report, text.Split('\n')[0][2..]), Is.EqualTo(text), md);
                sameMarkdown++;
            }
            string once = report.ToJson();
            File.WriteAllText(back, once);
            Assert.That(RunReport.Load(back).ToJson(), Is.EqualTo(once), path);
        }
        Assert.That(sameMarkdown, Is.GreaterThan(20));
    }

    [Test]
    public void A_file_that_is_not_a_report_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "report.json");
        File.WriteAllText(path, "{\"folds\": 3}");
        Assert.That(
            () => RunReport.Load(path),
            Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith($"{path}: not a run report")
        );
        Assert.That(
            () => RunReport.Load(Path.Combine(dir.Path, "missing.json")),
            Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("missing.json does not exist")
        );
    }
}
