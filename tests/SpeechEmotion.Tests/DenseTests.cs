using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Dense layers and dropout (<c>CpuBackend.Dense.cs</c>; kernel <c>Dense.cs</c>; <c>DenseLayer.cs</c>,
/// <c>DropoutLayer.cs</c>): float64 gradient checks and ILGPU parity.</summary>
public class DenseTests : OpTest
{
    [Test]
    public void Dense_with_relu() => AssertGradients(GradientCheck.Dense(32), 3);

    [Test]
    public void Dropout() => AssertGradients(GradientCheck.Dropout(33), 1);

    [Test]
    public void Bias_grad_over_several_row_blocks_and_column_groups()
    {
        const int rows = 301,
            width = 37; // 3 row blocks (the last one short) × 2 column groups (the last one partial)
        var dy = P.RandomTensor(rows, width);
        var dBias = P.RandomTensor(width);
        P.Cpu.BiasGrad(dy.Cpu, dBias.Cpu);
        P.Gpu.BiasGrad(dy.Gpu, dBias.Gpu);
        Assert.That(P.Error(dBias), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [Test]
    public void Bias_relu_dropout_fill_scale()
    {
        const int rows = 13,
            width = 7;
        var x = P.RandomTensor(rows, width);
        var bias = P.RandomTensor(width);
        P.Cpu.AddBias(x.Cpu, bias.Cpu);
        P.Gpu.AddBias(x.Gpu, bias.Gpu);
        Assert.That(P.Error(x), Is.LessThanOrEqualTo(ForwardTolerance), "add bias");

        var dBias = P.RandomTensor(width);
        P.Cpu.BiasGrad(x.Cpu, dBias.Cpu);
        P.Gpu.BiasGrad(x.Gpu, dBias.Gpu);
        Assert.That(P.Error(dBias), Is.LessThanOrEqualTo(GradientTolerance), "bias grad");

        var y = P.Poisoned(rows, width);
        P.Cpu.Relu(x.Cpu, y.Cpu);
        P.Gpu.Relu(x.Gpu, y.Gpu);
        Assert.That(P.Error(y), Is.EqualTo(0), "relu");
        var dy = P.RandomTensor(rows, width);
        var dx = P.Poisoned(rows, width);
        P.Cpu.ReluBackward(y.Cpu, dy.Cpu, dx.Cpu);
        P.Gpu.ReluBackward(y.Gpu, dy.Gpu, dx.Gpu);
        Assert.That(P.Error(dx), Is.EqualTo(0), "relu backward");

        var spec = new DropoutSpec(0.3f, (ulong)P.Seed, 5, 2);
        var dropped = P.Poisoned(rows, width);
        P.Cpu.Dropout(x.Cpu, dropped.Cpu, spec);
        P.Gpu.Dropout(x.Gpu, dropped.Gpu, spec);
        Assert.That(P.Error(dropped), Is.EqualTo(0), "dropout: same mask on both backends");
        P.Cpu.DropoutBackward(dy.Cpu, dx.Cpu, spec);
        P.Gpu.DropoutBackward(dy.Gpu, dx.Gpu, spec);
        Assert.That(P.Error(dx), Is.EqualTo(0), "dropout backward");

        P.Cpu.Scale(x.Cpu, 1.5f);
        P.Gpu.Scale(x.Gpu, 1.5f);
        Assert.That(P.Error(x), Is.LessThanOrEqualTo(ForwardTolerance), "scale");
        Assert.That(
            P.Gpu.SumOfSquares(x.Gpu),
            Is.EqualTo(P.Cpu.SumOfSquares(x.Cpu)).Within(1e-5).Percent,
            "sum of squares"
        );
        P.Cpu.Fill(x.Cpu, 2.5f);
        P.Gpu.Fill(x.Gpu, 2.5f);
        Assert.That(P.Error(x), Is.EqualTo(0), "fill");
    }
}
