using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests.Support;

/// <summary>
/// What the per-op test classes share: float64 central-difference gradient checks (relative error ≤
/// <see cref="GradientCheck.Tolerance"/>) and ILGPU-vs-CPU parity on ILGPU's CPU accelerator (fresh random non-zero
/// inputs, odd sizes that are not multiples of the tile or warp, outputs poisoned with NaN before the launch; forward
/// ≤ 1e-5, gradients ≤ 1e-4 of the largest reference value). Each class also runs its ops' definitions
/// (<see cref="KernelOps"/>) as `ser doctor` does at the small size. The accelerator opens on first use.
/// </summary>
public abstract class OpTest
{
    protected const double ForwardTolerance = KernelOps.ForwardTolerance,
        GradientTolerance = KernelOps.GradientTolerance;
    private BackendPair? _pair;

    protected BackendPair Pair => _pair ??= new BackendPair();
    protected ParityHarness P => Pair.Harness;

    [TearDown]
    public void ClosePair()
    {
        _pair?.Dispose();
        _pair = null;
    }

    /// <summary>The op's definition, the doctor's check of it at the small size on ilgpu-cpu.</summary>
    protected void AssertMatchesReference(string op)
    {
        var result = new KernelSelfCheck(P, OpShape.Small).Check(KernelOps.Get(op));
        TestContext.Out.WriteLine($"{op}: {result.MaxRelativeError:E2} (seed {P.Seed})");
        Assert.That(result.MaxRelativeError, Is.LessThanOrEqualTo(result.Tolerance), op);
    }

    protected static void AssertGradients(List<GradCheckRow> rows, int expectedTensors)
    {
        Assert.That(rows, Has.Count.EqualTo(expectedTensors));
        foreach (var row in rows)
        {
            TestContext.Out.WriteLine(
                $"{row.Layer, -45} {row.Tensor, -28} {row.Elements, 6} {row.MaxRelativeError:E2}"
            );
            Assert.That(
                row.MaxRelativeError,
                Is.LessThanOrEqualTo(GradientCheck.Tolerance),
                $"{row.Layer} {row.Tensor}"
            );
        }
    }
}
