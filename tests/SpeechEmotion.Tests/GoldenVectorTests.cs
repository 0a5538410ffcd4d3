using System.Text.Json.Nodes;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>
/// Our CPU backend against TorchSharp's (libtorch's) forward output, loss and every parameter gradient for a small
/// padded batch, with TorchSharp's own weights loaded by PyTorch name (Golden/torchsharp-golden.json, written by
/// `benchmarks/TorchSharpBaseline golden`). Proves the weight layout, the GRU convention, packing/padding, the
/// attention key-padding mask, pooling and the L1-on-softmax loss all match PyTorch's.
/// </summary>
public class GoldenVectorTests
{
    private static float[] Floats(JsonNode node) => node.AsArray().Select(v => v!.GetValue<float>()).ToArray();

    [Test]
    public void Cpu_backend_matches_torchsharp_forward_loss_and_gradients()
    {
        var golden = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "torchsharp-golden.json")))!;
        var c = golden["config"]!;
        var config = new ModelConfig
        {
            InputSize = c["input"]!.GetValue<int>(), Hidden = c["hidden"]!.GetValue<int>(), Heads = c["heads"]!.GetValue<int>(),
            FcSize = c["fc"]!.GetValue<int>(), Classes = c["classes"]!.GetValue<int>(), AttentionDropout = 0, OutputDropout = 0,
        };
        var backend = new CpuBackend<float>();
        using var model = new SerModel<float>(backend, config, seed: 0);
        var values = new float[model.Parameters.Count];
        var weights = golden["weights"]!.AsObject();
        Assert.That(weights.Select(w => w.Key), Is.EquivalentTo(model.Parameters.All.Select(p => p.Name)), "same parameter names");
        foreach (var p in model.Parameters.All)
        {
            Assert.That(weights[p.Name]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()), Is.EqualTo(p.Shape), p.Name);
            Floats(weights[p.Name]!["data"]!).CopyTo(values, p.Offset);
        }
        model.Parameters.UploadValues(values);

        int[] lengths = golden["lengths"]!.AsArray().Select(l => l!.GetValue<int>()).ToArray();
        int[] targets = golden["targets"]!.AsArray().Select(t => t!.GetValue<int>()).ToArray();
        var inputHost = Floats(golden["input"]!);
        int steps = inputHost.Length / (lengths.Length * config.InputSize);
        var input = backend.Allocate(lengths.Length, steps, config.InputSize);
        backend.Upload(inputHost, input);
        var lens = backend.AllocateInts(lengths.Length);
        backend.Upload(lengths, lens);
        var y = backend.AllocateInts(targets.Length);
        backend.Upload(targets, y);

        var logits = model.Forward(input, new BatchContext(lengths, lens, steps, Training: false, 0, 0));
        var logitsHost = new float[logits.Length];
        backend.Download(logits, logitsHost);
        double loss = model.Loss(logits, y, null, out var dLogits);
        model.Parameters.ZeroGrads();
        model.Backward(dLogits);
        var grads = new float[model.Parameters.Count];
        backend.Download(model.Parameters.Grads, grads);

        Assert.That(Relative(logitsHost, Floats(golden["logits"]!)), Is.LessThanOrEqualTo(1e-5), "logits");
        Assert.That(loss, Is.EqualTo(golden["loss"]!.GetValue<double>()).Within(1e-5 * golden["loss"]!.GetValue<double>()), "loss");
        foreach (var p in model.Parameters.All)
        {
            double error = Relative(grads.AsSpan(p.Offset, p.Length).ToArray(), Floats(golden["grads"]![p.Name]!));
            TestContext.Out.WriteLine($"{p.Name,-28} {error:E2}");
            Assert.That(error, Is.LessThanOrEqualTo(1e-5), p.Name);
        }
    }

    /// <summary>max |a − e| / max |e| over a tensor.</summary>
    private static double Relative(float[] actual, float[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        double scale = expected.Max(v => Math.Abs((double)v));
        return actual.Zip(expected).Max(t => Math.Abs((double)t.First - t.Second)) / scale;
    }
}
