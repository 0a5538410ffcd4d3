using SpeechEmotion.Engine;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The whole model against float64 central differences (relative error ≤ 1e-6); each layer's own check is
/// in its op's tests (GruTests, AttentionTests, …).</summary>
public class GradientCheckTests : OpTest
{
    [TestCase(true, LossKind.L1)]
    [TestCase(true, LossKind.CrossEntropy)]
    [TestCase(false, LossKind.L1)]
    [TestCase(false, LossKind.CrossEntropy)]
    public void Whole_model(bool attention, LossKind loss) =>
        AssertGradients(GradientCheck.EndToEnd(attention, loss, 40), attention ? 16 : 12);

    /// <summary>The functionals baseline: a linear softmax (fc2 weight and bias), or a hidden layer with dropout
    /// first (fc1 too).</summary>
    [TestCase(0, LossKind.CrossEntropy, 2)]
    [TestCase(6, LossKind.L1, 4)]
    public void Functionals_model(int fcSize, LossKind loss, int tensors) =>
        AssertGradients(GradientCheck.Functionals(fcSize, loss, 47), tensors);

    /// <summary>Mixup's loss λ·L(y_a) + (1 − λ)·L(y_b) through the whole model, also with per-row class masks
    /// (corpus label sets): the mixed gradient is checked end to end.</summary>
    [TestCase(true, LossKind.CrossEntropy, 0.3, 61, false)]
    [TestCase(false, LossKind.L1, 0.6, 62, false)]
    [TestCase(true, LossKind.CrossEntropy, 0.3, 63, true)]
    [TestCase(false, LossKind.L1, 0.6, 64, true)]
    public void Whole_model_with_mixup_loss(bool attention, LossKind loss, double lambda, int seed, bool masked) =>
        AssertGradients(
            GradientCheck.EndToEnd(attention, loss, seed, mixupLambda: lambda, classMask: masked),
            attention ? 16 : 12
        );

    /// <summary>Convolution before the GRU: its weights get their gradient through the GRU's input gradient.</summary>
    [TestCase(true, 45)]
    [TestCase(false, 46)]
    public void Whole_model_with_convolution(bool attention, int seed) =>
        AssertGradients(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, convChannels: 5),
            attention ? 18 : 14
        );

    /// <summary>A 2-D convolution (3 channels, 3 frames × 3 bands, stride 2) before the GRU, which reads 3 × 4
    /// values.</summary>
    [TestCase(true, 54)]
    [TestCase(false, 55)]
    public void Whole_model_with_2d_convolution(bool attention, int seed) =>
        AssertGradients(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, convChannels: 3, convBandKernel: 3),
            attention ? 18 : 14
        );

    /// <summary>Two stacked convolutions: 2-D (3 → 6 channels, 8 → 4 → 2 band positions; the second reads the first's
    /// band-major output and passes dL/dx back through it), and over time only (2 → 4 channels).</summary>
    [TestCase(true, 3, 57)]
    [TestCase(false, 3, 58)]
    [TestCase(true, 0, 59)]
    public void Whole_model_with_two_convolution_layers(bool attention, int bandKernel, int seed) =>
        AssertGradients(
            GradientCheck.EndToEnd(
                attention,
                LossKind.CrossEntropy,
                seed,
                convChannels: bandKernel > 0 ? 3 : 2,
                convBandKernel: bandKernel,
                convLayers: 2
            ),
            attention ? 20 : 16
        );

    /// <summary>Input statistics beside the pooled vector: fc1 reads 2H + 2F values.</summary>
    [TestCase(true, 49)]
    [TestCase(false, 50)]
    public void Whole_model_with_input_statistics(bool attention, int seed) =>
        AssertGradients(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, inputStatistics: true),
            attention ? 16 : 12
        );

    /// <summary>Mean+std pooling: fc1 reads 4H values, σ's gradient flows back through attention and the GRU.</summary>
    [TestCase(true, 47)]
    [TestCase(false, 48)]
    public void Whole_model_with_statistics_pooling(bool attention, int seed) =>
        AssertGradients(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, pooling: PoolingKind.MeanStd),
            attention ? 16 : 12
        );

    /// <summary>A dense layer whose weight gradient is 1e-4 too large: the checker must report it.</summary>
    private sealed class SkewedLayer(ILayer<double> inner) : ILayer<double>
    {
        public string Name => inner.Name;
        public IReadOnlyList<Parameter<double>> Parameters => inner.Parameters;

        public Tensor<double> Forward(Tensor<double> input, BatchContext batch) => inner.Forward(input, batch);

        public Tensor<double>? Backward(Tensor<double> dOutput)
        {
            var dx = inner.Backward(dOutput);
            var grad = (SpeechEmotion.Engine.Cpu.CpuTensor<double>)Parameters[0].Grad;
            foreach (ref var g in grad.Span)
                g *= 1 + 1e-4;
            return dx;
        }
    }

    [Test]
    public void A_slightly_wrong_gradient_is_caught()
    {
        var rows = GradientCheck.Layer(
            "skewed",
            (b, p) => new SkewedLayer(new DenseLayer<double>(b, p, "fc", 8, 5, relu: true)),
            8,
            true,
            5
        );
        Assert.That(rows.Single(r => r.Tensor == "fc.weight").Passed, Is.False);
        Assert.That(rows.Single(r => r.Tensor == "fc.weight").MaxRelativeError, Is.EqualTo(1e-4).Within(2e-5));
        Assert.That(rows.Where(r => r.Tensor != "fc.weight").All(r => r.Passed));
    }
}
