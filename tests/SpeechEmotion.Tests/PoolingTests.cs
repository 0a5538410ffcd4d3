using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Pooling and input statistics (<c>CpuBackend.Pooling.cs</c>; kernel <c>Pooling.cs</c>;
/// <c>PoolingLayer.cs</c>, <c>InputStatisticsLayer.cs</c>): float64 gradient checks and ILGPU parity.</summary>
public class PoolingTests : OpTest
{
    [TestCase("pooling")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    [TestCase(PoolingKind.Mean, 31)]
    [TestCase(PoolingKind.MeanStd, 36)]
    [TestCase(PoolingKind.MeanStd, 37)]
    public void Pooling_gradients(PoolingKind kind, int seed) => AssertGradients(GradientCheck.Pooling(kind, seed), 1);

    [Test]
    public void Input_statistics_gradients() => AssertGradients(GradientCheck.InputStatistics(38), 1);

    [Test]
    public void Masked_mean_pooling_forward_and_backward()
    {
        const int steps = 6,
            width = 11;
        var lens = P.Ints(6, 1, 3);
        var x = P.RandomTensor(3, steps, width);
        var y = P.Poisoned(3, width);
        P.Cpu.MaskedMeanPool(x.Cpu, lens.Cpu, y.Cpu);
        P.Gpu.MaskedMeanPool(x.Gpu, lens.Gpu, y.Gpu);
        Assert.That(P.Error(y), Is.LessThanOrEqualTo(ForwardTolerance));
        var dy = P.RandomTensor(3, width);
        var dx = P.Poisoned(3, steps, width);
        P.Cpu.MaskedMeanPoolBackward(dy.Cpu, lens.Cpu, dx.Cpu);
        P.Gpu.MaskedMeanPoolBackward(dy.Gpu, lens.Gpu, dx.Gpu);
        Assert.That(P.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [Test]
    public void Statistics_pooling_forward_and_backward()
    {
        const int steps = 9,
            width = 13;
        var lens = P.Ints(9, 1, 4);
        var x = P.RandomTensor(3, steps, width);
        var y = P.Poisoned(3, 2 * width);
        P.Cpu.StatisticsPool(x.Cpu, lens.Cpu, y.Cpu);
        P.Gpu.StatisticsPool(x.Gpu, lens.Gpu, y.Gpu);
        Assert.That(P.Error(y), Is.LessThanOrEqualTo(ForwardTolerance));
        var dy = P.RandomTensor(3, 2 * width);
        var dx = P.Poisoned(3, steps, width);
        P.Cpu.StatisticsPoolBackward(dy.Cpu, x.Cpu, y.Cpu, lens.Cpu, dx.Cpu);
        P.Gpu.StatisticsPoolBackward(dy.Gpu, x.Gpu, y.Gpu, lens.Gpu, dx.Gpu);
        Assert.That(P.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }
}
