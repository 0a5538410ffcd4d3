using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchSharpBaseline;

/// <summary>
/// Golden vectors: a small batch with padding (lengths 5, 2, 4 in T = 5), dropout off, L1 loss between softmax and
/// one-hot targets (mean over B×C). Writes the weights TorchSharp initialised, the input, logits, loss and every
/// parameter gradient, all under PyTorch names, so that SpeechEmotion's test can load the same weights.
/// </summary>
public static class Golden
{
    public static int Write(string path)
    {
        torch.manual_seed(20261126);
        const int input = 6,
            hidden = 4,
            heads = 2,
            fc = 5,
            classes = 3;
        long[] lengths = [5, 2, 4];
        int[] targets = [2, 0, 1];
        var net = new SerNet(input, hidden, heads, true, fc, classes);
        var x = torch.randn(3, 5, input);
        for (int b = 0; b < 3; b++)
            x[b, TensorIndex.Slice(lengths[b])] = torch.zeros(1);
        var lens = torch.tensor(lengths, ScalarType.Int64);
        var logits = net.call(x, lens);
        var probs = nn.functional.softmax(logits, 1);
        var onehot = nn
            .functional.one_hot(torch.tensor(targets, ScalarType.Int64), classes)
            .to_type(ScalarType.Float32);
        var loss = nn.functional.l1_loss(probs, onehot);
        loss.backward();

        static JsonArray Flat(Tensor t) =>
            new(t.detach().contiguous().data<float>().ToArray().Select(v => (JsonNode)v).ToArray());
        var weights = new JsonObject();
        var grads = new JsonObject();
        foreach (var (name, p) in net.named_parameters())
        {
            weights[name] = new JsonObject
            {
                ["shape"] = new JsonArray(p.shape.Select(d => (JsonNode)d).ToArray()),
                ["data"] = Flat(p),
            };
            grads[name] = Flat(p.grad!);
        }
        var golden = new JsonObject
        {
            ["source"] = "TorchSharp 0.107 (libtorch 2.10, CPU), benchmarks/TorchSharpBaseline golden",
            ["config"] = new JsonObject
            {
                ["input"] = input,
                ["hidden"] = hidden,
                ["heads"] = heads,
                ["fc"] = fc,
                ["classes"] = classes,
            },
            ["lengths"] = new JsonArray(lengths.Select(l => (JsonNode)l).ToArray()),
            ["targets"] = new JsonArray(targets.Select(t => (JsonNode)t).ToArray()),
            ["input"] = Flat(x),
            ["logits"] = Flat(logits),
            ["loss"] = loss.item<float>(),
            ["weights"] = weights,
            ["grads"] = grads,
        };
        File.WriteAllText(path, golden.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        Console.WriteLine($"wrote {path}: loss {loss.item<float>()}, {weights.Count} parameter tensors");
        return 0;
    }
}
