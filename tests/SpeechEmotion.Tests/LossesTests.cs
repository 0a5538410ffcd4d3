using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The losses (<c>CpuBackend.Losses.cs</c>; kernel <c>Losses.cs</c>): float64 gradient checks and ILGPU
/// parity.</summary>
public class LossesTests : OpTest
{
    [TestCase("softmax-loss")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    [TestCase(LossKind.L1)]
    [TestCase(LossKind.CrossEntropy)]
    public void Softmax_loss_gradients(LossKind kind) => AssertGradients(GradientCheck.Loss(kind, 34), 1);

    [Test]
    public void Regression_loss_gradients() => AssertGradients(GradientCheck.RegressionLoss(35), 1);

    [TestCase(LossKind.L1, false)]
    [TestCase(LossKind.L1, true)]
    [TestCase(LossKind.CrossEntropy, false)]
    [TestCase(LossKind.CrossEntropy, true)]
    public void Softmax_loss(LossKind kind, bool weighted)
    {
        const int batch = 5,
            classes = 7;
        var logits = P.Data(P.RandomData(batch * classes, 3f), batch, classes);
        var targets = P.Ints(Enumerable.Range(0, batch).Select(_ => P.Random.Next(classes)).ToArray());
        var weights = weighted
            ? P.Data(Enumerable.Range(0, classes).Select(_ => 0.5f + (float)P.Random.NextDouble()).ToArray(), classes)
            : default;
        var probs = P.Poisoned(batch, classes);
        var grad = P.Poisoned(batch, classes);
        double expected = P.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, weights.Cpu, kind, probs.Cpu, grad.Cpu);
        double actual = P.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, weights.Gpu, kind, probs.Gpu, grad.Gpu);
        Assert.That(actual, Is.EqualTo(expected).Within(ForwardTolerance * Math.Abs(expected)), "loss");
        Assert.That(P.Error(probs), Is.LessThanOrEqualTo(ForwardTolerance), "probabilities");
        Assert.That(P.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "dlogits");
    }

    /// <summary>A confidently wrong utterance (target probability below float's smallest value) must still give a
    /// finite cross-entropy equal to the logit gap, on both backends: −log p_y = log Σ exp(x_c − max) − (x_y −
    /// max).</summary>
    [Test]
    public void Cross_entropy_stays_finite_when_the_target_probability_underflows()
    {
        var logits = P.Data([0f, 200f, -3f, 1f, 250f, 2f], 2, 3);
        var targets = P.Ints(0, 2);
        var probs = P.Poisoned(2, 3);
        var grad = P.Poisoned(2, 3);
        double expected =
            (200 + Math.Log(1 + Math.Exp(-200) + Math.Exp(-203)) + 248 + Math.Log(1 + Math.Exp(-249) + Math.Exp(-248)))
            / 2;
        double cpu = P.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, null, LossKind.CrossEntropy, probs.Cpu, grad.Cpu);
        double gpu = P.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, null, LossKind.CrossEntropy, probs.Gpu, grad.Gpu);
        Assert.That(cpu, Is.EqualTo(expected).Within(1e-5).Percent, "cpu");
        Assert.That(gpu, Is.EqualTo(expected).Within(1e-5).Percent, "kernel");
        Assert.That(P.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "dlogits");
    }

    [Test]
    public void Regression_loss()
    {
        const int batch = 7;
        var outputs = P.Data(P.RandomData(batch, 2f), batch);
        var targets = P.Data(P.RandomData(batch, 3f), batch);
        var predictions = P.Poisoned(batch);
        var grad = P.Poisoned(batch);
        double expected = P.Cpu.RegressionLoss(outputs.Cpu, targets.Cpu, 3, predictions.Cpu, grad.Cpu);
        double actual = P.Gpu.RegressionLoss(outputs.Gpu, targets.Gpu, 3, predictions.Gpu, grad.Gpu);
        Assert.That(actual, Is.EqualTo(expected).Within(ForwardTolerance * Math.Abs(expected)), "loss");
        Assert.That(P.Error(predictions), Is.LessThanOrEqualTo(ForwardTolerance), "predictions");
        Assert.That(P.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "doutputs");
    }
}
