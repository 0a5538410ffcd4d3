using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchSharpBaseline;

/// <summary>
/// TorchSharp at the benchmark configuration "paper" (batch 32, 300 frames, 400 bins, H 128, 8 heads, 7 classes):
/// training step = forward, softmax, L1 loss, backward, Adam; inference at batch 1 and 32. Prints one line per
/// measurement: "torchsharp NAME MILLISECONDS"; "--frames N" sets the utterance length (names get "@N" unless 300).
/// </summary>
public static class Bench
{
    public static int Run(string[] args)
    {
        int rounds = args.Contains("--quick") ? 3 : 10;
        int at = Array.IndexOf(args, "--frames");
        int frames = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : 300;
        string suffix = frames == 300 ? "" : $"@{frames}";
        torch.set_num_threads(Environment.ProcessorCount);
        torch.manual_seed(1);
        var net = new SerNet(400, 128, 8, true, 128, 7);
        var adam = torch.optim.Adam(net.parameters(), 1e-4);
        var x32 = torch.randn(32, frames, 400);
        var x1 = torch.randn(1, frames, 400);
        var l32 = torch.full(32, frames, ScalarType.Int64);
        var l1 = torch.full(1, frames, ScalarType.Int64);
        var target = nn.functional.one_hot(torch.arange(32) % 7, 7).to_type(ScalarType.Float32);
        void Train()
        {
            using var scope = torch.NewDisposeScope();
            adam.zero_grad();
            var loss = nn.functional.l1_loss(nn.functional.softmax(net.call(x32, l32), 1), target);
            loss.backward();
            adam.step();
        }
        void Infer(Tensor x, Tensor l)
        {
            using var scope = torch.NewDisposeScope();
            using var _ = torch.no_grad();
            net.eval();
            net.call(x, l).data<float>().ToArray();
            net.train();
        }
        Measure("train" + suffix, rounds, Train);
        Measure("infer_b1" + suffix, rounds * 5, () => Infer(x1, l1));
        Measure("infer_b32" + suffix, rounds, () => Infer(x32, l32));
        return 0;
    }

    private static void Measure(string name, int rounds, Action action)
    {
        action();
        for (int i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            Console.WriteLine($"torchsharp {name} {watch.Elapsed.TotalMilliseconds:F3}");
        }
    }
}
