using SpeechEmotion.Engine;
using SpeechEmotion.Features;
using SpeechEmotion.Model;

namespace SpeechEmotion.Training;

/// <summary>Runs a model in evaluation mode (no dropout) over a set, in length-sorted batches; returns softmax
/// probabilities.</summary>
public static class Predictor
{
    public static float[][] Probabilities(SerModel<float> model, NormalizedSet set, int batchSize = 32) =>
        Outputs(model, set, batchSize).Select(o => Softmax(o)).ToArray();

    /// <summary>The raw network outputs (logits) per example, in the set's order.</summary>
    private static float[][] Outputs(SerModel<float> model, NormalizedSet set, int batchSize = 32)
    {
        var outputs = new float[set.Count][];
        using var ws = new Workspace<float>(model.Backend);
        foreach (var indices in BatchPlan.Batches(set.Frames, batchSize))
        {
            var batch = Outputs(model, ws, set.Batch(indices));
            for (int b = 0; b < indices.Length; b++)
                outputs[indices[b]] = batch[b];
        }
        return outputs;
    }

    /// <summary>One padded batch through the model in evaluation mode: the outputs of each item.</summary>
    public static float[][] Outputs(SerModel<float> model, Workspace<float> ws, PaddedBatch batch)
    {
        var input = ws.Get("input", batch.Batch, batch.Steps, batch.Width);
        model.Backend.Upload(batch.Features, input);
        return Outputs(model, ws, input, batch.Lengths);
    }

    /// <summary>
    /// A batch of clips (16 kHz mono) from samples to outputs: the front end runs on the backend's device when it
    /// can (<see cref="IFeatureBackend"/>: features never reach the host), else on the CPU, clips in parallel.
    /// <paramref name="normalizer"/>: the model's statistics, or null for each clip's own.
    /// </summary>
    public static float[][] OutputsOfAudio(
        SerModel<float> model,
        Workspace<float> ws,
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer
    )
    {
        if (model.Backend is IFeatureBackend device && device.Computes(frontEnd))
        {
            int steps = clips.Max(c => Spectrogram.FrameCount(c.Length));
            var input = ws.Get("input", clips.Count, steps, frontEnd.Width);
            return Outputs(model, ws, input, device.Features(frontEnd, clips, normalizer, input));
        }
        var features = new float[clips.Count][];
        Parallel.For(
            0,
            clips.Count,
            i =>
            {
                features[i] = frontEnd.Compute(clips[i]);
                if (normalizer is null)
                    FeatureNormalizer.ApplyOwn(features[i], frontEnd.Width);
                else
                    normalizer.Apply(features[i]);
            }
        );
        return Outputs(model, ws, PaddedBatch.From(features, frontEnd.Width));
    }

    private static float[][] Outputs(SerModel<float> model, Workspace<float> ws, Tensor<float> input, int[] lengths)
    {
        var backend = model.Backend;
        var lens = ws.Ints("lengths", lengths.Length);
        backend.Upload(lengths, lens);
        var logits = model.Forward(input, new BatchContext(lengths, lens, input.Dim(1), Training: false, 0, 0));
        var host = new float[logits.Length];
        backend.Download(logits, host);
        int classes = model.Config.Classes;
        return Enumerable.Range(0, lengths.Length).Select(b => host.AsSpan(b * classes, classes).ToArray()).ToArray();
    }

    /// <summary>Regression models: the predicted score ScoreRange·tanh(output) of every example.</summary>
    public static double[] Scores(SerModel<float> model, NormalizedSet set) =>
        Outputs(model, set).Select(o => Score(model.Config, o)).ToArray();

    /// <summary>A regression model's score from its output: ScoreRange·tanh(output).</summary>
    public static double Score(ModelConfig config, ReadOnlySpan<float> output) =>
        config.ScoreRange * Math.Tanh(output[0]);

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var p = new float[logits.Length];
        Engine.Softmax.Apply(logits, p);
        return p;
    }
}
