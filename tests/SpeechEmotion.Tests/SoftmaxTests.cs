using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Tests;

public class SoftmaxTests
{
    /// <summary>exp(100) overflows float; the result must still be the double-precision softmax.</summary>
    [Test]
    public void Inputs_beyond_float_exp_range_give_the_exact_softmax()
    {
        float[] x = [100f, 90f, 10f, -300f, 95.5f];
        var p = new float[x.Length];
        Softmax.Apply<float>(x, p);
        double sum = x.Sum(v => Math.Exp(v - 100.0));
        for (int i = 0; i < x.Length; i++)
            Assert.That(p[i], Is.EqualTo(Math.Exp(x[i] - 100.0) / sum).Within(1e-7), $"element {i}");
    }

    [Test]
    public void Cpu_loss_gradients_stay_finite_for_huge_logits([Values] LossKind kind)
    {
        using var cpu = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        var logits = cpu.Allocate(2, 3);
        cpu.Upload([0f, 200f, -3f, 1f, 250f, 2f], logits);
        var targets = cpu.AllocateInts(2);
        cpu.Upload([1, 2], targets);
        var probs = cpu.Allocate(2, 3);
        var grad = cpu.Allocate(2, 3);
        double loss = cpu.SoftmaxLoss(logits, targets, null, null, kind, probs, grad);
        Assert.That(double.IsFinite(loss));
        Assert.That(ParityHarness.Host(cpu, probs), Is.EqualTo(new[] { 0f, 1f, 0f, 0f, 1f, 0f }).Within(1e-6));
        Assert.That(ParityHarness.Host(cpu, grad), Is.All.Matches<float>(float.IsFinite));
    }

    /// <summary>A NaN on either side must fail a parity check: NUnit orders NaN below every number, so the error is
    /// +∞.</summary>
    [Test]
    public void Parity_error_is_infinite_when_either_side_has_a_NaN()
    {
        Assert.That(ParityHarness.Error([1f, float.NaN], [1f, 2f]), Is.EqualTo(double.PositiveInfinity), "reference");
        Assert.That(ParityHarness.Error([1f, 2f], [float.NaN, 2f]), Is.EqualTo(double.PositiveInfinity), "kernel");
        Assert.That(ParityHarness.Error([1f, -4f], [1f, -3.9f]), Is.EqualTo(0.025).Within(1e-6));
    }
}
