using System.Diagnostics;
using SpeechEmotion.Engine;
using SpeechEmotion.Model;

namespace SpeechEmotion.Benchmarking;

/// <summary>
/// Timed training steps and inferences at the "paper" configuration (or a recipe's network) on any backend, one
/// measurement at a time, for `ser bench`, the benchmarks' `paper-steps` and the comparison scripts, which alternate us
/// with TorchSharp or PyTorch and take medians. Names: train, infer_b1, infer_b32, with "@FRAMES" appended unless
/// the length is 300 frames. Each measurement ends with the backend synchronised, so asynchronous GPU work is inside
/// the time.
/// </summary>
public static class PaperSteps
{
    public static IEnumerable<(string Name, double Milliseconds)> Run(
        Func<IBackend<float>> backend,
        int frames,
        bool quick,
        ModelConfig? config = null
    )
    {
        int rounds = quick ? 3 : 10;
        string suffix = frames == 300 ? "" : $"@{frames}";
        using var device = backend();
        using var train = new PaperSetup(device, 32, frames, config);
        using var single = new PaperSetup(device, 1, frames, config);
        foreach (var ms in Measure(rounds, () => train.TrainStep()))
            yield return ("train" + suffix, ms);
        foreach (var ms in Measure(rounds * 5, () => single.Infer()))
            yield return ("infer_b1" + suffix, ms);
        foreach (var ms in Measure(rounds, () => train.Infer()))
            yield return ("infer_b32" + suffix, ms);
    }

    /// <summary>
    /// Per-op time of one training step (batch 32) and one batch-1 inference, averaged over <paramref name="rounds"/>
    /// after a warm-up: (measurement, op, calls per step, milliseconds per step), ops in descending time.
    /// </summary>
    public static IEnumerable<(string Measurement, string Op, double Calls, double Milliseconds)> Profile(
        Func<IBackend<float>> backend,
        int frames,
        int rounds,
        ModelConfig? config = null
    )
    {
        using var device = new ProfilingBackend<float>(backend());
        using var train = new PaperSetup(device, 32, frames, config);
        using var single = new PaperSetup(device, 1, frames, config);
        foreach (
            var (name, action) in new (string, Action)[]
            {
                ("train", () => train.TrainStep()),
                ("infer_b1", () => single.Infer()),
            }
        )
        {
            action();
            device.Reset();
            for (int i = 0; i < rounds; i++)
                action();
            foreach (var (op, (calls, ms)) in device.Ops.OrderByDescending(o => o.Value.Milliseconds))
                yield return (name, op, (double)calls / rounds, ms / rounds);
        }
    }

    /// <summary>One untimed warm-up (JIT, kernel compilation, workspace growth), then <paramref name="rounds"/>
    /// timings.</summary>
    private static IEnumerable<double> Measure(int rounds, Action action)
    {
        action();
        for (int i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            yield return watch.Elapsed.TotalMilliseconds;
        }
    }
}
