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

    [TestCase(LossKind.L1, false)]
    [TestCase(LossKind.CrossEntropy, false)]
    [TestCase(LossKind.L1, true)]
    [TestCase(LossKind.CrossEntropy, true)]
    public void Softmax_loss_gradients(LossKind kind, bool masked) =>
        AssertGradients(GradientCheck.Loss(kind, 34, masked), 1);

    [Test]
    public void Regression_loss_gradients() => AssertGradients(GradientCheck.RegressionLoss(35), 1);

    [TestCase(LossKind.L1, false, false)]
    [TestCase(LossKind.L1, true, false)]
    [TestCase(LossKind.CrossEntropy, false, false)]
    [TestCase(LossKind.CrossEntropy, true, false)]
    [TestCase(LossKind.L1, true, true)]
    [TestCase(LossKind.CrossEntropy, true, true)]
    public void Softmax_loss(LossKind kind, bool weighted, bool masked)
    {
        const int batch = 5,
            classes = 7;
        var logits = P.Data(P.RandomData(batch * classes, 3f), batch, classes);
        int[] ys = [.. Enumerable.Range(0, batch).Select(_ => P.Random.Next(classes))];
        var targets = P.Ints(ys);
        var weights = weighted
            ? P.Data(Enumerable.Range(0, batch).Select(_ => 0.5f + (float)P.Random.NextDouble()).ToArray(), batch)
            : default;
        var mask = masked ? P.Ints([.. ys.Select(y => P.Random.Next(1 << classes) | 1 << y)]) : default;
        var probs = P.Poisoned(batch, classes);
        var grad = P.Poisoned(batch, classes);
        double expected = P.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, weights.Cpu, mask.Cpu, kind, probs.Cpu, grad.Cpu);
        double actual = P.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, weights.Gpu, mask.Gpu, kind, probs.Gpu, grad.Gpu);
        Assert.That(actual, Is.EqualTo(expected).Within(ForwardTolerance * Math.Abs(expected)), "loss");
        Assert.That(P.Error(probs), Is.LessThanOrEqualTo(ForwardTolerance), "probabilities");
        Assert.That(P.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "dlogits");
    }

    /// <summary>A class mask makes the softmax run over the masked classes alone: the same probabilities, loss and
    /// gradients as the loss of the logits of those classes only (L1 divides by all C classes, so by C'/C of the
    /// smaller problem's), and exactly 0 probability and gradient for the others.</summary>
    [TestCase(LossKind.CrossEntropy)]
    [TestCase(LossKind.L1)]
    public void A_class_mask_is_the_loss_over_the_masked_classes_alone(LossKind kind)
    {
        using var cpu = new SpeechEmotion.Engine.Cpu.CpuBackend<double>();
        int[] kept = [0, 2, 3, 5];
        const int batch = 3,
            classes = 6;
        var random = new Random(TestSeed.For(41));
        double[] x = [.. Enumerable.Range(0, batch * classes).Select(_ => 4 * random.NextDouble() - 2)];
        int[] ys = [2, 0, 5];
        double[] weights = [0.7, 1.9, 1.3]; // per row
        var (full, fullProbs, fullGrad) = Run(cpu, x, ys, weights, classes, [.. ys.Select(_ => 0b101101)]);
        double[] sub = [.. Enumerable.Range(0, batch).SelectMany(b => kept.Select(c => x[b * classes + c]))];
        int[] subYs = [.. ys.Select(y => Array.IndexOf(kept, y))];
        var (alone, aloneProbs, aloneGrad) = Run(cpu, sub, subYs, weights, kept.Length, null);
        double scale = kind == LossKind.L1 ? (double)kept.Length / classes : 1;
        Assert.That(full, Is.EqualTo(alone * scale).Within(1e-12), "loss");
        for (int b = 0; b < batch; b++)
        for (int c = 0; c < classes; c++)
        {
            int j = Array.IndexOf(kept, c);
            Assert.That(
                fullProbs[b * classes + c],
                Is.EqualTo(j < 0 ? 0 : aloneProbs[b * kept.Length + j]).Within(1e-12)
            );
            Assert.That(
                fullGrad[b * classes + c],
                Is.EqualTo(j < 0 ? 0 : aloneGrad[b * kept.Length + j] * scale).Within(1e-12)
            );
        }
        Assert.That(
            () => Run(cpu, x, [1, 0, 5], weights, classes, [.. ys.Select(_ => 0b101101)]),
            Throws.ArgumentException.With.Message.Contains("outside its class mask")
        );

        (double Loss, double[] Probs, double[] Grad) Run(
            IBackend<double> backend,
            double[] logits,
            int[] targets,
            double[] rowWeights,
            int c,
            int[]? masks
        )
        {
            var t = backend.Allocate(targets.Length, c);
            backend.Upload(logits, t);
            var y = backend.AllocateInts(targets.Length);
            backend.Upload(targets, y);
            var w = backend.Allocate(targets.Length);
            backend.Upload(rowWeights, w);
            Tensor<int>? m = null;
            if (masks is not null)
            {
                m = backend.AllocateInts(masks.Length);
                backend.Upload(masks, m);
            }
            var (p, d) = (backend.Allocate(targets.Length, c), backend.Allocate(targets.Length, c));
            double loss = backend.SoftmaxLoss(t, y, w, m, kind, p, d);
            var (hp, hd) = (new double[p.Length], new double[d.Length]);
            backend.Download(p, hp);
            backend.Download(d, hd);
            return (loss, hp, hd);
        }
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
        double cpu = P.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, null, null, LossKind.CrossEntropy, probs.Cpu, grad.Cpu);
        double gpu = P.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, null, null, LossKind.CrossEntropy, probs.Gpu, grad.Gpu);
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
