using System.Globalization;
using System.Text.Json.Nodes;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>--task regression through the CLI on a CSV manifest (path,score,speaker) written by the test.</summary>
public class RegressionCliTests
{
    private static string WriteManifest(TempDir dir)
    {
        var random = new Random(8);
        var lines = new List<string> { "path,score,speaker" };
        foreach (var speaker in new[] { "s1", "s2", "s3" })
            for (int k = 0; k < 8; k++)
            {
                double score = Math.Round(-3 + 6 * random.NextDouble(), 1);
                double amplitude = 0.02 * Math.Pow(40, (score + 3) / 6);
                var audio = Enumerable
                    .Range(0, 2400)
                    .Select(n => (float)(amplitude * Math.Sin(2 * Math.PI * 330 * n / 16000)))
                    .ToArray();
                dir.File($"audio/{speaker}-{k}.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(audio)));
                lines.Add($"audio/{speaker}-{k}.wav,{score.ToString(CultureInfo.InvariantCulture)},{speaker}");
            }
        return dir.File("manifest.csv", System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines)));
    }

    private static readonly string[] Small =
    [
        "--task",
        "regression",
        "--score-range",
        "3",
        "--hidden",
        "8",
        "--heads",
        "2",
        "--epochs",
        "6",
        "--lr",
        "0.005",
        "--batch",
        "4",
        "--device",
        "cpu",
    ];

    [Test, Category("Slow")]
    public void Loso_report_has_the_sentiment_keys_and_predict_gives_a_score()
    {
        using var dir = new TempDir();
        var manifest = WriteManifest(dir);
        var report = Path.Combine(dir.Path, "report");
        var (code, output) = SerProcess.Run(["loso", "--data", manifest, "--report", report, .. Small]);
        Assert.That(code, Is.EqualTo(0), output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "report.json")))!;
        Assert.That(json["task"]!.GetValue<string>(), Is.EqualTo("regression"));
        foreach (var key in new[] { "mae", "corr", "acc_2", "acc_2_nonzero", "f1", "acc_5", "acc_7" })
        {
            Assert.That(json[key], Is.Not.Null, key);
            Assert.That(json["folds"]![0]![key], Is.Not.Null, $"fold {key}");
        }
        Assert.That(File.ReadAllText(Path.Combine(report, "report.md")), Does.Contain("| MAE | Corr |"));

        var model = Path.Combine(dir.Path, "m.ser");
        var train = SerProcess.Run(["train", "--data", manifest, "--out", model, .. Small]);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Output);
        var predict = SerProcess.Run(
            "predict",
            "--model",
            model,
            Path.Combine(dir.Path, "audio", "s1-0.wav"),
            "--json"
        );
        Assert.That(predict.ExitCode, Is.EqualTo(0), predict.Output);
        double score = JsonNode.Parse(predict.Output)!["score"]!.GetValue<double>();
        Assert.That(score, Is.InRange(-3.0, 3.0));
    }
}
