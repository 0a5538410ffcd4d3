using SpeechEmotion.Kernels;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests.Support;

/// <summary>
/// What the per-op test classes share: float64 central-difference gradient checks (relative error ≤
/// <see cref="GradientCheck.Tolerance"/>) and ILGPU-vs-CPU parity on ILGPU's CPU accelerator (fresh random non-zero
/// inputs, odd sizes that are not multiples of the tile or warp, outputs poisoned with NaN before the launch; forward
/// ≤ 1e-5, gradients ≤ 1e-4 of the largest reference value). The accelerator opens on first use.
/// </summary>
public abstract class OpTest
{
    protected const double ForwardTolerance = 1e-5,
        GradientTolerance = 1e-4;
    private BackendPair? _pair;

    protected BackendPair Pair => _pair ??= new BackendPair();
    protected ParityHarness P => Pair.Harness;

    [TearDown]
    public void ClosePair()
    {
        _pair?.Dispose();
        _pair = null;
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
