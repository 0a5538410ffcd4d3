using System.Diagnostics;
using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Ops;

namespace SpeechEmotion.Kernels;

/// <summary>One kernel's result: its largest error against the CPU reference, the time of one launch, and what that
/// launch achieved (GFLOP/s from the op's FLOPs, GB/s from the bytes it must move).</summary>
public sealed record KernelCheckResult(
    string Kernel,
    double MaxRelativeError,
    double Tolerance,
    double Milliseconds,
    double Flops,
    long Bytes
)
{
    public bool Passed => MaxRelativeError <= Tolerance;
    public double GflopsPerSecond => Flops / (Milliseconds * 1e6);
    public double GigabytesPerSecond => Bytes / (Milliseconds * 1e6);
}

/// <summary>
/// Runs every op of <see cref="KernelOps"/> on the device against the CPU reference with fresh random data and
/// NaN-poisoned outputs (`ser doctor`, and each op's tests at the small size). Each kernel is launched once to compile
/// it, then timed on a second, fresh launch.
/// </summary>
public sealed class KernelSelfCheck(ParityHarness harness, OpShape size)
{
    public static IReadOnlyList<string> Kernels => [.. KernelOps.All.Select(op => op.Name)];

    public IEnumerable<KernelCheckResult> Run() => KernelOps.All.Select(Check);

    /// <summary>Prepares inputs and poisoned outputs on each backend, runs, and compares every output.</summary>
    public KernelCheckResult Check(KernelOp op)
    {
        double tolerance =
            harness.Gpu.Precision == Precision.Tf32 && op.OnGemm
                ? Math.Max(op.Tolerance, KernelOps.Tf32Tolerance)
                : op.Tolerance;
        var prepare = op.Prepare(new OpData(size, harness.Random.Next()));
        var reference = prepare(new LaunchBuilder(harness.Cpu));
        reference.Run();
        prepare(new LaunchBuilder(harness.Gpu)).Run();
        var measured = prepare(new LaunchBuilder(harness.Gpu));
        harness.Gpu.Accelerator.Synchronize();
        var watch = Stopwatch.StartNew();
        measured.Run();
        harness.Gpu.Accelerator.Synchronize();
        double ms = watch.Elapsed.TotalMilliseconds;
        double error = 0;
        for (int i = 0; i < reference.Outputs.Length; i++)
            error = Math.Max(
                error,
                ParityHarness.Error(
                    ParityHarness.Host(harness.Cpu, reference.Outputs[i]),
                    ParityHarness.Host(harness.Gpu, measured.Outputs[i])
                )
            );
        return new KernelCheckResult(op.Name, error, tolerance, ms, op.Flops(size), measured.Bytes);
    }
}
