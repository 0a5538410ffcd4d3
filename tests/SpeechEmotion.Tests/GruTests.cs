using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The Bi-GRU (<c>CpuBackend.Gru.cs</c>; kernel <c>Gru.cs</c>; <c>GruLayer.cs</c>): float64 gradient check and
/// ILGPU parity.</summary>
public class GruTests : OpTest
{
    [TestCase("gru-forward")]
    [TestCase("gru-backward")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    [TestCase(GruDirections.Forward, 5, 11)]
    [TestCase(GruDirections.Reverse, 5, 12)]
    [TestCase(GruDirections.Both, 9, 13)]
    [TestCase(GruDirections.Both, 9, 14)]
    public void Gru_gradients(GruDirections directions, int tensors, int seed) =>
        AssertGradients(GradientCheck.Gru(directions, seed), tensors);

    // Sliced kernels (tiled false): hidden 13, one warp per slice, the last slices empty; 40, two warps per slice, 5
    // inner indices each. Streaming: W_hh read from global memory (a transposed copy in the forward pass) instead of
    // the shared-memory copy. Tiled kernels: 13 and 40, every weight in registers (lanes past H or 3H read zeros); 70,
    // eight lanes per unit, 9 inner indices per gate row forward and 27 rows of W_hh's column backward, so the ninth of
    // each row and the last 3 of each column share sit in shared memory.
    [TestCase(true, 13, false, false)]
    [TestCase(true, 40, false, false)]
    [TestCase(true, 40, true, false)]
    [TestCase(false, 13, true, false)]
    [TestCase(true, 13, false, true)]
    [TestCase(false, 13, false, true)]
    [TestCase(true, 40, true, true)]
    [TestCase(true, 70, false, true)]
    public void Gru_forward_and_backward(bool bothDirections, int hidden, bool streaming, bool tiled)
    {
        if (streaming)
            P.Gpu.GruSharedWeightLimit = 0;
        P.Gpu.GruTiled = tiled;
        const int steps = 7;
        int width = 2 * hidden;
        int[] lengths = [7, 1, 4];
        int batch = lengths.Length;
        var lens = P.Ints(lengths);
        var whh = P.Data(P.RandomData(3 * hidden * hidden, 0.3f), 3 * hidden, hidden);
        var bhh = P.RandomTensor(3 * hidden);
        var output = P.Poisoned(batch, steps, width);
        var dOutput = P.RandomTensor(batch, steps, width);
        // Each direction: (gi, gates, hprev, dGi, dGh) on both backends. One direction alone runs reverse.
        var dirs = (bothDirections ? new[] { false, true } : [true])
            .Select(reverse =>
                (
                    Reverse: reverse,
                    Column: reverse ? hidden : 0,
                    Gi: P.RandomTensor(batch, steps, 3 * hidden),
                    Gates: P.Poisoned(batch, steps, 4 * hidden),
                    Hprev: P.Poisoned(batch, steps, hidden),
                    DGi: P.Poisoned(batch, steps, 3 * hidden),
                    DGh: P.Poisoned(batch, steps, 3 * hidden)
                )
            )
            .ToList();
        GruDirection<float>[] On(bool gpu) =>
            dirs.Select(d =>
                    gpu
                        ? new GruDirection<float>(
                            d.Reverse,
                            d.Column,
                            d.Gi.Gpu,
                            whh.Gpu,
                            bhh.Gpu,
                            d.Gates.Gpu,
                            d.Hprev.Gpu,
                            d.DGi.Gpu,
                            d.DGh.Gpu
                        )
                        : new GruDirection<float>(
                            d.Reverse,
                            d.Column,
                            d.Gi.Cpu,
                            whh.Cpu,
                            bhh.Cpu,
                            d.Gates.Cpu,
                            d.Hprev.Cpu,
                            d.DGi.Cpu,
                            d.DGh.Cpu
                        )
                )
                .ToArray();
        if (!bothDirections)
        {
            // The forward columns are not written by a reverse-only run: give both backends the same values there.
            var zeros = new float[batch * steps * width];
            P.Cpu.Upload(zeros, output.Cpu);
            P.Gpu.Upload(zeros, output.Gpu);
        }
        P.Cpu.GruForward(On(false), lens.Cpu, output.Cpu);
        P.Gpu.GruForward(On(true), lens.Gpu, output.Gpu);
        Assert.That(P.Gpu.GruKernelName(hidden, backward: false), Is.EqualTo(tiled ? "tiled" : "sliced"));
        // With no shared memory allowed (streaming) the tiled backward kernel's dgh buffers do not fit.
        Assert.That(P.Gpu.GruKernelName(hidden, backward: true), Is.EqualTo(tiled && !streaming ? "tiled" : "sliced"));
        Assert.That(P.Error(output), Is.LessThanOrEqualTo(ForwardTolerance), "output");
        P.Cpu.GruBackward(dOutput.Cpu, On(false), lens.Cpu);
        P.Gpu.GruBackward(dOutput.Gpu, On(true), lens.Gpu);
        foreach (var d in dirs)
        {
            Assert.That(P.Error(d.Gates), Is.LessThanOrEqualTo(ForwardTolerance), $"gates reverse={d.Reverse}");
            Assert.That(P.Error(d.Hprev), Is.LessThanOrEqualTo(ForwardTolerance), $"hprev reverse={d.Reverse}");
            Assert.That(P.Error(d.DGi), Is.LessThanOrEqualTo(GradientTolerance), $"dGi reverse={d.Reverse}");
            Assert.That(P.Error(d.DGh), Is.LessThanOrEqualTo(GradientTolerance), $"dGh reverse={d.Reverse}");
        }
    }

    /// <summary>The tiled kernels as the CUDA driver gets them (PTX for sm_90, generated here without a GPU):
    /// weights in registers (no local memory), one barrier before the steps and one per step, the lanes' partial sums
    /// exchanged by butterfly shuffles.</summary>
    [Test]
    public void Tiled_kernels_keep_weights_in_registers_and_one_barrier_per_step()
    {
        var ptx = Ptx.Of("GruTiledForwardKernel");
        Assert.That(ptx, Does.Not.Contain(".local"), "no local-memory array");
        Assert.That(Ptx.Count(ptx, "bar.sync"), Is.EqualTo(2));
        Assert.That(Ptx.Count(ptx, "shfl.sync.bfly"), Is.EqualTo(3), "r, z and n sums");
        var backward = Ptx.Of("GruTiledBackwardKernel");
        Assert.That(backward, Does.Not.Contain(".local"), "no local-memory array");
        Assert.That(Ptx.Count(backward, "bar.sync"), Is.EqualTo(2));
        Assert.That(Ptx.Count(backward, "shfl.sync.bfly"), Is.EqualTo(1), "the column sum");
        Assert.That(
            Ptx.Count(Ptx.Of("GruBackwardKernel"), "bar.sync"),
            Is.EqualTo(3),
            "the sliced kernel: two per step"
        );
        Assert.That(
            Ptx.Count(Ptx.Of("GruForwardKernel"), "bar.sync"),
            Is.EqualTo(3),
            "the sliced kernel: two per step"
        );
    }
}
