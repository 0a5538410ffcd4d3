using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>The float model really learns: three classes of noisy tones told apart by frequency.</summary>
public class LearningTests
{
    [TestCase(true, LossKind.L1)]
    [TestCase(false, LossKind.CrossEntropy)]
    public void Tiny_model_reaches_full_training_accuracy_on_tones(bool attention, LossKind loss)
    {
        var random = new Random(11);
        double[] tones = [300, 900, 2100];
        var utterances = new List<float[]>();
        var labels = new List<int>();
        for (int i = 0; i < 12; i++)
        {
            int label = i % 3,
                samples = 2400 + random.Next(2400);
            var audio = Enumerable
                .Range(0, samples)
                .Select(n =>
                    (float)(
                        0.3 * Math.Sin(2 * Math.PI * tones[label] * (1 + 0.03 * random.NextDouble()) * n / 16000)
                        + 0.05 * (random.NextDouble() - 0.5)
                    )
                )
                .ToArray();
            utterances.Add(Spectrogram.Compute<float>(audio));
            labels.Add(label);
        }
        var normalizer = FeatureNormalizer.Fit(utterances, Spectrogram.Bins);
        foreach (var u in utterances)
            normalizer.Apply(u);

        var backend = new CpuBackend<float>();
        var config = new ModelConfig
        {
            Hidden = 8,
            Heads = 2,
            UseAttention = attention,
            FcSize = 16,
            Classes = 3,
            Loss = loss,
            AttentionDropout = 0.1f,
            OutputDropout = 0.1f,
        };
        using var model = new SerModel<float>(backend, config, seed: 3);
        var adam = new AdamOptimizer<float>(backend, model.Parameters, new AdamSettings(LearningRate: 1e-2));
        var padded = PaddedBatch.From(utterances, Spectrogram.Bins);
        var batch = new ModelBatch<float>(
            backend,
            padded.Features,
            padded.Lengths,
            padded.Steps,
            padded.Width,
            labels.ToArray()
        );

        double Accuracy()
        {
            var logits = model.Forward(batch.Input, batch.Context(training: false, 0, 0));
            var host = new float[logits.Length];
            backend.Download(logits, host);
            return Enumerable
                    .Range(0, padded.Batch)
                    .Count(b => host.AsSpan(b * 3, 3).IndexOf(host.AsSpan(b * 3, 3).ToArray().Max()) == labels[b])
                / (double)padded.Batch;
        }

        double first = double.NaN,
            last = double.NaN;
        int step = 0;
        for (; step < 300 && (step % 10 != 0 || Accuracy() < 1); step++)
        {
            var logits = model.Forward(batch.Input, batch.Context(training: true, 17, (ulong)step));
            last = model.Loss(logits, batch.Targets, null, null, out var dLogits);
            if (step == 0)
                first = last;
            model.Parameters.ZeroGrads();
            model.Backward(dLogits);
            adam.Update();
        }
        TestContext.Out.WriteLine(
            $"{(attention ? "attention" : "bi-gru")} {loss}: loss {first:F4} -> {last:F4}, 100% after {step} steps"
        );
        Assert.That(Accuracy(), Is.EqualTo(1.0));
        Assert.That(last, Is.LessThan(0.6 * first));
    }
}
