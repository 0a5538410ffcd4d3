using SpeechEmotion.Engine;
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
        var backend = model.Backend;
        var input = ws.Get("input", batch.Batch, batch.Steps, batch.Width);
        backend.Upload(batch.Features, input);
        var lens = ws.Ints("lengths", batch.Batch);
        backend.Upload(batch.Lengths, lens);
        var logits = model.Forward(input, new BatchContext(batch.Lengths, lens, batch.Steps, Training: false, 0, 0));
        var host = new float[logits.Length];
        backend.Download(logits, host);
        int classes = model.Config.Classes;
        return Enumerable.Range(0, batch.Batch).Select(b => host.AsSpan(b * classes, classes).ToArray()).ToArray();
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
