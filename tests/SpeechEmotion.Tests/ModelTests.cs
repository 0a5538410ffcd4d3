using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class ModelTests
{
    private static Tensor<int> Ints(CpuBackend<double> backend, int[] values)
    {
        var t = backend.AllocateInts(values.Length);
        backend.Upload(values, t);
        return t;
    }

    /// <summary>Runs forward and a backward with dL/dlogits = g on row `row` only; returns (logits row, all parameter
    /// grads).</summary>
    private static (double[] Logits, double[] Grads) Probe(
        ModelConfig config,
        IReadOnlyList<float[]> utterances,
        int row,
        double[] g
    )
    {
        var backend = new CpuBackend<double>();
        using var model = new SerModel<double>(backend, config, seed: 9);
        var batch = PaddedBatch.From(utterances, config.InputSize);
        var input = backend.Allocate(batch.Batch, batch.Steps, batch.Width);
        backend.Upload(batch.Features.Select(v => (double)v).ToArray(), input);
        var context = new BatchContext(batch.Lengths, Ints(backend, batch.Lengths), batch.Steps, Training: false, 0, 0);
        var logits = model.Forward(input, context);
        var all = new double[logits.Length];
        backend.Download(logits, all);
        var dLogits = backend.Allocate(logits.Shape);
        var d = new double[logits.Length];
        g.CopyTo(d, row * config.Classes);
        backend.Upload(d, dLogits);
        model.Parameters.ZeroGrads();
        model.Backward(dLogits);
        var grads = new double[model.Parameters.Count];
        backend.Download(model.Parameters.Grads, grads);
        return (all.Skip(row * config.Classes).Take(config.Classes).ToArray(), grads);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Padding_does_not_change_outputs_or_gradients(bool attention)
    {
        var random = new Random(5);
        float[] Utterance(int frames) =>
            Enumerable.Range(0, frames * 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var config = new ModelConfig
        {
            InputSize = 6,
            Hidden = 4,
            Heads = 2,
            UseAttention = attention,
            FcSize = 5,
            Classes = 3,
        };
        var target = Utterance(4);
        double[] g = [0.3, -0.7, 0.4];
        var alone = Probe(config, [target], 0, g);
        var padded = Probe(config, [Utterance(7), target, Utterance(2)], 1, g);
        Assert.That(padded.Logits, Is.EqualTo(alone.Logits).Within(1e-12));
        double scale = alone.Grads.Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(0));
        Assert.That(padded.Grads, Has.None.NaN);
        for (int i = 0; i < alone.Grads.Length; i++)
            Assert.That(
                Math.Abs(padded.Grads[i] - alone.Grads[i]),
                Is.LessThanOrEqualTo(1e-12 * scale),
                $"gradient {i}"
            );
    }

    [Test]
    public void Adam_matches_a_hand_computed_update_for_two_steps()
    {
        var backend = new CpuBackend<double>();
        var parameters = new ParameterSet<double>(backend);
        parameters.Add("w", [2], Init.Zero);
        parameters.Build(0);
        parameters.UploadValues([1.0, -2.0]);
        var settings = new AdamSettings(LearningRate: 0.1, WeightDecay: 0.01);
        var adam = new AdamOptimizer<double>(backend, parameters, settings);
        double[][] grads =
        [
            [0.5, -1.0],
            [0.25, 2.0],
        ];
        double[] theta = [1.0, -2.0],
            m = [0, 0],
            v = [0, 0];
        for (int step = 1; step <= 2; step++)
        {
            backend.Upload(grads[step - 1], parameters.Grads);
            adam.Update();
            for (int i = 0; i < 2; i++)
            {
                double gi = grads[step - 1][i];
                theta[i] *= 1 - 0.1 * 0.01;
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                double mHat = m[i] / (1 - Math.Pow(0.9, step)),
                    vHat = v[i] / (1 - Math.Pow(0.999, step));
                theta[i] -= 0.1 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
            Assert.That(parameters.DownloadValues(), Is.EqualTo(theta).Within(1e-15), $"step {step}");
        }
    }

    [Test]
    public void Gradient_clipping_scales_the_global_norm()
    {
        var backend = new CpuBackend<double>();
        var parameters = new ParameterSet<double>(backend);
        parameters.Add("w", [2], Init.Zero);
        parameters.Build(0);
        backend.Upload([3.0, 4.0], parameters.Grads);
        var adam = new AdamOptimizer<double>(backend, parameters, new AdamSettings(ClipNorm: 1.0));
        Assert.That(adam.Update(), Is.EqualTo(5.0));
        var g = new double[2];
        backend.Download(parameters.Grads, g);
        Assert.That(Math.Sqrt(g[0] * g[0] + g[1] * g[1]), Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void Parameter_names_and_shapes_follow_pytorch()
    {
        using var model = new SerModel<float>(new CpuBackend<float>(), new ModelConfig(), seed: 1);
        var shapes = model.Parameters.All.ToDictionary(p => p.Name, p => p.Shape);
        Assert.That(shapes["gru.weight_ih_l0"], Is.EqualTo(new[] { 384, 400 }));
        Assert.That(shapes["gru.weight_hh_l0_reverse"], Is.EqualTo(new[] { 384, 128 }));
        Assert.That(shapes["attention.in_proj_weight"], Is.EqualTo(new[] { 768, 256 }));
        Assert.That(shapes["attention.out_proj.weight"], Is.EqualTo(new[] { 256, 256 }));
        Assert.That(shapes["fc1.weight"], Is.EqualTo(new[] { 128, 256 }));
        Assert.That(shapes["fc2.weight"], Is.EqualTo(new[] { 7, 128 }));
        var values = model.Parameters.DownloadValues();
        var gru = model.Parameters["gru.weight_hh_l0"];
        var slice = values.AsSpan(gru.Offset, gru.Length).ToArray();
        Assert.That(slice.Max(Math.Abs), Is.LessThanOrEqualTo(1 / MathF.Sqrt(128)).And.GreaterThan(0.08f));
        var bias = model.Parameters["attention.in_proj_bias"];
        Assert.That(values.AsSpan(bias.Offset, bias.Length).ToArray(), Is.All.EqualTo(0f));
    }
}
