using SpeechEmotion.Engine;
using SpeechEmotion.Model;

namespace SpeechEmotion.Tests;

/// <summary>Every layer, both losses and the whole model against float64 central differences (relative error ≤
/// 1e-6).</summary>
public class GradientCheckTests
{
    private static void AssertAll(List<GradCheckRow> rows, int expectedTensors)
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

    [TestCase(GruDirections.Forward, 5, 11)]
    [TestCase(GruDirections.Reverse, 5, 12)]
    [TestCase(GruDirections.Both, 9, 13)]
    [TestCase(GruDirections.Both, 9, 14)]
    public void Gru(GruDirections directions, int tensors, int seed) =>
        AssertAll(GradientCheck.Gru(directions, seed), tensors);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    public void Attention(int heads) => AssertAll(GradientCheck.Attention(heads, 20 + heads), 5);

    [TestCase(1, 41)]
    [TestCase(3, 42)]
    [TestCase(5, 43)]
    [TestCase(7, 44)]
    public void Conv(int kernel, int seed) => AssertAll(GradientCheck.Conv(new UnfoldShape(kernel), seed), 3);

    /// <summary>2-D convolution over time × bands: two input channels of 4 bands (3 × 3, stride 2), one channel of
    /// 7 of 8 bands' reach (1 × 5, stride 3: the last position hangs over the top band), 3 × 7 frames ×
    /// bands.</summary>
    [TestCase(3, 4, 3, 2, 51)]
    [TestCase(1, 8, 5, 3, 52)]
    [TestCase(3, 8, 7, 1, 53)]
    [TestCase(3, 4, 3, 2, 56, FrameLayout.BandMajor)]
    public void Conv_over_time_and_bands(
        int kernel,
        int bands,
        int bandKernel,
        int stride,
        int seed,
        FrameLayout layout = FrameLayout.ChannelMajor
    ) => AssertAll(GradientCheck.Conv(new UnfoldShape(kernel, bands, bandKernel, stride, layout), seed), 3);

    [TestCase(PoolingKind.Mean, 31)]
    [TestCase(PoolingKind.MeanStd, 36)]
    [TestCase(PoolingKind.MeanStd, 37)]
    public void Pooling(PoolingKind kind, int seed) => AssertAll(GradientCheck.Pooling(kind, seed), 1);

    [Test]
    public void Input_statistics() => AssertAll(GradientCheck.InputStatistics(38), 1);

    [Test]
    public void Dense_with_relu() => AssertAll(GradientCheck.Dense(32), 3);

    [Test]
    public void Dropout() => AssertAll(GradientCheck.Dropout(33), 1);

    [TestCase(LossKind.L1)]
    [TestCase(LossKind.CrossEntropy)]
    public void Softmax_loss(LossKind kind) => AssertAll(GradientCheck.Loss(kind, 34), 1);

    [Test]
    public void Regression_loss() => AssertAll(GradientCheck.RegressionLoss(35), 1);

    [TestCase(true, LossKind.L1)]
    [TestCase(true, LossKind.CrossEntropy)]
    [TestCase(false, LossKind.L1)]
    [TestCase(false, LossKind.CrossEntropy)]
    public void Whole_model(bool attention, LossKind loss) =>
        AssertAll(GradientCheck.EndToEnd(attention, loss, 40), attention ? 16 : 12);

    /// <summary>The functionals baseline: a linear softmax (fc2 weight and bias), or a hidden layer with dropout
    /// first (fc1 too).</summary>
    [TestCase(0, LossKind.CrossEntropy, 2)]
    [TestCase(6, LossKind.L1, 4)]
    public void Functionals_model(int fcSize, LossKind loss, int tensors) =>
        AssertAll(GradientCheck.Functionals(fcSize, loss, 47), tensors);

    /// <summary>Mixup's loss λ·L(y_a) + (1 − λ)·L(y_b) through the whole model: the mixed gradient is checked end to
    /// end.</summary>
    [TestCase(true, LossKind.CrossEntropy, 0.3, 61)]
    [TestCase(false, LossKind.L1, 0.6, 62)]
    public void Whole_model_with_mixup_loss(bool attention, LossKind loss, double lambda, int seed) =>
        AssertAll(GradientCheck.EndToEnd(attention, loss, seed, mixupLambda: lambda), attention ? 16 : 12);

    /// <summary>Convolution before the GRU: its weights get their gradient through the GRU's input gradient.</summary>
    [TestCase(true, 45)]
    [TestCase(false, 46)]
    public void Whole_model_with_convolution(bool attention, int seed) =>
        AssertAll(GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, convChannels: 5), attention ? 18 : 14);

    /// <summary>A 2-D convolution (3 channels, 3 frames × 3 bands, stride 2) before the GRU, which reads 3 × 4
    /// values.</summary>
    [TestCase(true, 54)]
    [TestCase(false, 55)]
    public void Whole_model_with_2d_convolution(bool attention, int seed) =>
        AssertAll(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, convChannels: 3, convBandKernel: 3),
            attention ? 18 : 14
        );

    /// <summary>Two stacked convolutions: 2-D (3 → 6 channels, 8 → 4 → 2 band positions; the second reads the first's
    /// band-major output and passes dL/dx back through it), and over time only (2 → 4 channels).</summary>
    [TestCase(true, 3, 57)]
    [TestCase(false, 3, 58)]
    [TestCase(true, 0, 59)]
    public void Whole_model_with_two_convolution_layers(bool attention, int bandKernel, int seed) =>
        AssertAll(
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
        AssertAll(
            GradientCheck.EndToEnd(attention, LossKind.CrossEntropy, seed, inputStatistics: true),
            attention ? 16 : 12
        );

    /// <summary>Mean+std pooling: fc1 reads 4H values, σ's gradient flows back through attention and the GRU.</summary>
    [TestCase(true, 47)]
    [TestCase(false, 48)]
    public void Whole_model_with_statistics_pooling(bool attention, int seed) =>
        AssertAll(
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
