using SpeechEmotion.Corpora;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>Regression mode learns a score that is a known function of the audio (its loudness) and generalises to
/// unseen speakers.</summary>
public class RegressionTests
{
    private static List<Example> Corpus(string[] speakers, int perSpeaker, int seed)
    {
        var random = new Random(seed);
        var examples = new List<Example>();
        foreach (var speaker in speakers)
        {
            double pitch = 200 + 300 * random.NextDouble(); // each speaker has its own voice
            for (int k = 0; k < perSpeaker; k++)
            {
                double score = -3 + 6 * random.NextDouble();
                double amplitude = 0.02 * Math.Pow(40, (score + 3) / 6); // 0.02 .. 0.8, log-linear in the score
                var audio = Enumerable
                    .Range(0, 2400 + random.Next(1600))
                    .Select(n =>
                        (float)(
                            amplitude
                                * (
                                    Math.Sin(2 * Math.PI * pitch * n / 16000)
                                    + 0.3 * Math.Sin(2 * Math.PI * 3 * pitch * n / 16000)
                                )
                            + 0.002 * (random.NextDouble() - 0.5)
                        )
                    )
                    .ToArray();
                examples.Add(
                    new Example(
                        new Utterance($"{speaker}-{k}.wav", score.ToString("R"), speaker),
                        Spectrogram.Compute<float>(audio),
                        0,
                        score
                    )
                );
            }
        }
        return examples;
    }

    /// <summary>With mixup the features (log spectra, linear in the score) and the scores are mixed alike, so it still
    /// learns.</summary>
    [TestCase(0.0)]
    [TestCase(0.4)]
    public void Learns_a_loudness_score_with_correlation_above_0_9_on_held_out_speakers(double mixup)
    {
        var train = Corpus(["a", "b", "c", "d"], 16, 1);
        var test = Corpus(["e", "f"], 12, 2);
        var config = new ModelConfig
        {
            Task = SerTask.Regression,
            Classes = 1,
            ScoreRange = 3,
            Hidden = 8,
            Heads = 2,
            FcSize = 16,
            AttentionDropout = 0.1f,
            OutputDropout = 0.1f,
        };
        var options = new TrainingOptions
        {
            Epochs = 25,
            LearningRate = 3e-3,
            BatchSize = 8,
            Seed = 3,
            Mixup = mixup,
        };
        var result = new Trainer(new CpuBackend<float>(), config, options, ["score"]).Train(train, null);
        using var model = result.Model.Instantiate(new CpuBackend<float>());
        var metrics = Trainer.EvaluateRegression(model, result.Model.Prepare(test));
        TestContext.Out.WriteLine(
            $"held-out speakers: corr {metrics.Corr:F3}, MAE {metrics.Mae:F3}, Acc-2 {metrics.Acc2:P1}, Acc-7 "
                + $"{metrics.Acc7:P1}; loss {result.History[0].TrainLoss:F3} -> {result.History[^1].TrainLoss:F3}"
        );
        Assert.That(metrics.Corr, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(metrics.Mae, Is.LessThan(1.0));
    }
}
