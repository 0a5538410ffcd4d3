using System.Diagnostics;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Benchmarking;

/// <summary>
/// End-to-end throughput at the "paper" configuration: 3 s clips of 16 kHz audio through the paper's front end
/// (400-bin STFT; on the device's kernels with a GPU backend, else on the CPU), global standardisation, the model in
/// evaluation mode and the softmax, in batches; utterances per second. Clips are synthetic (a tone and noise each,
/// reproducible), the weights random: what is timed is the path, not the answer. `ser bench --throughput` prints it;
/// the comparison scripts read its "ours throughput B U/S" lines.
/// </summary>
public static class PaperThroughput
{
    public const int ClipSamples = 3 * Spectrogram.SampleRate;

    public static IEnumerable<(int Batch, double UtterancesPerSecond)> Run(
        Func<IBackend<float>> open,
        IReadOnlyList<int> batches,
        int utterances
    )
    {
        using var backend = open();
        var config = new ModelConfig();
        using var model = new SerModel<float>(backend, config, seed: 1);
        using var ws = new Workspace<float>(backend);
        var clips = Enumerable.Range(0, 16).Select(Clip).ToArray();
        var normalizer = FeatureNormalizer.Fit(clips.Select(c => FrontEnd.Paper.Compute(c)), config.InputSize);
        foreach (int batch in batches)
        {
            int rounds = Math.Max(1, (utterances + batch - 1) / batch);
            Recognize(model, ws, normalizer, clips, batch); // warm-up: JIT, kernel compilation, workspace growth
            var watch = Stopwatch.StartNew();
            for (int r = 0; r < rounds; r++)
                Recognize(model, ws, normalizer, clips, batch);
            yield return (batch, rounds * batch / watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>One batch of clips from samples to probabilities (the front end on the device when the backend has
    /// one, else on the CPU with the batch's clips in parallel).</summary>
    private static float[][] Recognize(
        SerModel<float> model,
        Workspace<float> ws,
        FeatureNormalizer normalizer,
        float[][] clips,
        int batch
    )
    {
        var inputs = Enumerable.Range(0, batch).Select(i => clips[i % clips.Length]).ToArray();
        return Predictor
            .OutputsOfAudio(model, ws, FrontEnd.Paper, inputs, normalizer)
            .Select(logits => Predictor.Softmax(logits))
            .ToArray();
    }

    private static float[] Clip(int seed)
    {
        var random = new Random(seed);
        double hz = 120 + 40 * seed;
        return Enumerable
            .Range(0, ClipSamples)
            .Select(n =>
                (float)(
                    0.3 * Math.Sin(2 * Math.PI * hz * n / Spectrogram.SampleRate) + 0.05 * (random.NextDouble() - 0.5)
                )
            )
            .ToArray();
    }
}
