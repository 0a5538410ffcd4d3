using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>
/// Every ILGPU kernel against the CPU reference on ILGPU's CPU accelerator: fresh random non-zero inputs, odd sizes
/// that are not multiples of the tile or warp, outputs poisoned with NaN before the launch.
/// Forward ≤ 1e-5, gradients ≤ 1e-4 (max error over the tensor relative to its largest reference value).
/// </summary>
public class IlgpuKernelTests
{
    private const double ForwardTolerance = 1e-5,
        GradientTolerance = 1e-4;
    private BackendPair _pair = null!;
    private ParityHarness _p = null!;

    [SetUp]
    public void Open()
    {
        _pair = new BackendPair();
        _p = _pair.Harness;
    }

    [TearDown]
    public void Close() => _pair.Dispose();

    // 37×29×23: one partial block of C. 70×67×1100: 2×2 blocks, K split in 17 ranges of 65 (not a multiple of the slab
    // depth 16), so the split-K reduction and the range ends inside a slab are exercised.
    [TestCase(false, false, 0f, 37, 29, 23)]
    [TestCase(true, false, 0f, 37, 29, 23)]
    [TestCase(false, true, 0f, 37, 29, 23)]
    [TestCase(true, true, 0f, 37, 29, 23)]
    [TestCase(false, true, 0.5f, 37, 29, 23)]
    [TestCase(true, false, 1f, 37, 29, 23)]
    [TestCase(false, false, 0f, 70, 67, 1100)]
    [TestCase(true, true, 0.5f, 70, 67, 1100)]
    [TestCase(true, false, 1f, 70, 67, 1100)]
    public void Gemm(bool transA, bool transB, float beta, int m, int n, int k)
    {
        var a = _p.RandomTensor(m * k);
        var b = _p.RandomTensor(k * n);
        var c = beta == 0 ? _p.Poisoned(m, n) : _p.RandomTensor(m, n);
        _p.Cpu.Gemm(a.Cpu, transA, b.Cpu, transB, c.Cpu, m, n, k, 0.75f, beta);
        _p.Gpu.Gemm(a.Gpu, transA, b.Gpu, transB, c.Gpu, m, n, k, 0.75f, beta);
        Assert.That(_p.Error(c), Is.LessThanOrEqualTo(ForwardTolerance));
    }

    [Test]
    public void Bias_grad_over_several_row_blocks_and_column_groups()
    {
        const int rows = 301,
            width = 37; // 3 row blocks (the last one short) × 2 column groups (the last one partial)
        var dy = _p.RandomTensor(rows, width);
        var dBias = _p.RandomTensor(width);
        _p.Cpu.BiasGrad(dy.Cpu, dBias.Cpu);
        _p.Gpu.BiasGrad(dy.Gpu, dBias.Gpu);
        Assert.That(_p.Error(dBias), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [Test]
    public void Bias_relu_dropout_fill_scale()
    {
        const int rows = 13,
            width = 7;
        var x = _p.RandomTensor(rows, width);
        var bias = _p.RandomTensor(width);
        _p.Cpu.AddBias(x.Cpu, bias.Cpu);
        _p.Gpu.AddBias(x.Gpu, bias.Gpu);
        Assert.That(_p.Error(x), Is.LessThanOrEqualTo(ForwardTolerance), "add bias");

        var dBias = _p.RandomTensor(width);
        _p.Cpu.BiasGrad(x.Cpu, dBias.Cpu);
        _p.Gpu.BiasGrad(x.Gpu, dBias.Gpu);
        Assert.That(_p.Error(dBias), Is.LessThanOrEqualTo(GradientTolerance), "bias grad");

        var y = _p.Poisoned(rows, width);
        _p.Cpu.Relu(x.Cpu, y.Cpu);
        _p.Gpu.Relu(x.Gpu, y.Gpu);
        Assert.That(_p.Error(y), Is.EqualTo(0), "relu");
        var dy = _p.RandomTensor(rows, width);
        var dx = _p.Poisoned(rows, width);
        _p.Cpu.ReluBackward(y.Cpu, dy.Cpu, dx.Cpu);
        _p.Gpu.ReluBackward(y.Gpu, dy.Gpu, dx.Gpu);
        Assert.That(_p.Error(dx), Is.EqualTo(0), "relu backward");

        var spec = new DropoutSpec(0.3f, (ulong)_p.Seed, 5, 2);
        var dropped = _p.Poisoned(rows, width);
        _p.Cpu.Dropout(x.Cpu, dropped.Cpu, spec);
        _p.Gpu.Dropout(x.Gpu, dropped.Gpu, spec);
        Assert.That(_p.Error(dropped), Is.EqualTo(0), "dropout: same mask on both backends");
        _p.Cpu.DropoutBackward(dy.Cpu, dx.Cpu, spec);
        _p.Gpu.DropoutBackward(dy.Gpu, dx.Gpu, spec);
        Assert.That(_p.Error(dx), Is.EqualTo(0), "dropout backward");

        _p.Cpu.Scale(x.Cpu, 1.5f);
        _p.Gpu.Scale(x.Gpu, 1.5f);
        Assert.That(_p.Error(x), Is.LessThanOrEqualTo(ForwardTolerance), "scale");
        Assert.That(
            _p.Gpu.SumOfSquares(x.Gpu),
            Is.EqualTo(_p.Cpu.SumOfSquares(x.Cpu)).Within(1e-5).Percent,
            "sum of squares"
        );
        _p.Cpu.Fill(x.Cpu, 2.5f);
        _p.Gpu.Fill(x.Gpu, 2.5f);
        Assert.That(_p.Error(x), Is.EqualTo(0), "fill");
    }

    // Hidden 13: one warp per slice, the last slices empty; 40: two warps per slice, 5 inner indices each. Streaming:
    // W_hh read from global memory (a transposed copy in the forward pass) instead of the shared-memory copy.
    [TestCase(true, 13, false)]
    [TestCase(false, 13, false)]
    [TestCase(true, 40, false)]
    [TestCase(true, 40, true)]
    [TestCase(false, 13, true)]
    public void Gru_forward_and_backward(bool bothDirections, int hidden, bool streaming)
    {
        if (streaming)
            _p.Gpu.GruSharedWeightLimit = 0;
        const int steps = 7;
        int width = 2 * hidden;
        int[] lengths = [7, 1, 4];
        int batch = lengths.Length;
        var lens = _p.Ints(lengths);
        var whh = _p.Data(_p.RandomData(3 * hidden * hidden, 0.3f), 3 * hidden, hidden);
        var bhh = _p.RandomTensor(3 * hidden);
        var output = _p.Poisoned(batch, steps, width);
        var dOutput = _p.RandomTensor(batch, steps, width);
        // Each direction: (gi, gates, hprev, dGi, dGh) on both backends. One direction alone runs reverse.
        var dirs = (bothDirections ? new[] { false, true } : [true])
            .Select(reverse =>
                (
                    Reverse: reverse,
                    Column: reverse ? hidden : 0,
                    Gi: _p.RandomTensor(batch, steps, 3 * hidden),
                    Gates: _p.Poisoned(batch, steps, 4 * hidden),
                    Hprev: _p.Poisoned(batch, steps, hidden),
                    DGi: _p.Poisoned(batch, steps, 3 * hidden),
                    DGh: _p.Poisoned(batch, steps, 3 * hidden)
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
            _p.Cpu.Upload(zeros, output.Cpu);
            _p.Gpu.Upload(zeros, output.Gpu);
        }
        _p.Cpu.GruForward(On(false), lens.Cpu, output.Cpu);
        _p.Gpu.GruForward(On(true), lens.Gpu, output.Gpu);
        Assert.That(_p.Error(output), Is.LessThanOrEqualTo(ForwardTolerance), "output");
        _p.Cpu.GruBackward(dOutput.Cpu, On(false), lens.Cpu);
        _p.Gpu.GruBackward(dOutput.Gpu, On(true), lens.Gpu);
        foreach (var d in dirs)
        {
            Assert.That(_p.Error(d.Gates), Is.LessThanOrEqualTo(ForwardTolerance), $"gates reverse={d.Reverse}");
            Assert.That(_p.Error(d.Hprev), Is.LessThanOrEqualTo(ForwardTolerance), $"hprev reverse={d.Reverse}");
            Assert.That(_p.Error(d.DGi), Is.LessThanOrEqualTo(GradientTolerance), $"dGi reverse={d.Reverse}");
            Assert.That(_p.Error(d.DGh), Is.LessThanOrEqualTo(GradientTolerance), $"dGh reverse={d.Reverse}");
        }
    }

    [TestCase(1, 0f, 9)]
    [TestCase(2, 0.2f, 9)]
    [TestCase(3, 0.2f, 9)]
    [TestCase(6, 0f, 9)]
    // 70 steps: rows longer than a warp, several 64-wide blocks of the score matrix, lengths 70 / 33 / 1.
    [TestCase(3, 0.2f, 70)]
    public void Attention_forward_and_backward(int heads, float dropout, int steps)
    {
        const int embed = 12;
        int[] lengths = steps == 9 ? [5, 9, 1] : [steps, 33, 1];
        int batch = lengths.Length;
        var lens = _p.Ints(lengths);
        var spec = dropout > 0 ? new DropoutSpec(dropout, (ulong)_p.Seed, 3, 1) : DropoutSpec.None;
        var qkv = _p.RandomTensor(batch, steps, 3 * embed);
        var probs = _p.Poisoned(batch, heads, steps, steps);
        var context = _p.Poisoned(batch, steps, embed);
        _p.Cpu.AttentionForward(qkv.Cpu, lens.Cpu, heads, spec, probs.Cpu, context.Cpu);
        _p.Gpu.AttentionForward(qkv.Gpu, lens.Gpu, heads, spec, probs.Gpu, context.Gpu);
        Assert.That(_p.Error(probs), Is.LessThanOrEqualTo(ForwardTolerance), "probabilities");
        Assert.That(_p.Error(context), Is.LessThanOrEqualTo(ForwardTolerance), "context");

        var dContext = _p.RandomTensor(batch, steps, embed);
        var dQkv = _p.Poisoned(batch, steps, 3 * embed);
        _p.Cpu.AttentionBackward(dContext.Cpu, qkv.Cpu, probs.Cpu, lens.Cpu, heads, spec, dQkv.Cpu);
        _p.Gpu.AttentionBackward(dContext.Gpu, qkv.Gpu, probs.Gpu, lens.Gpu, heads, spec, dQkv.Gpu);
        Assert.That(_p.Error(dQkv), Is.LessThanOrEqualTo(GradientTolerance), "dQKV");
    }

    // Kernel 7 is longer than two of the utterances: the window reaches past both ends. Over time × bands: 3 channels
    // of 5 bands (3 × 3, stride 2) stored channel- or band-major, and one channel of 11 bands (5 × 5, stride 3: the
    // last position hangs over the top).
    [TestCase(3, 1, 1, 1, 11)]
    [TestCase(7, 1, 1, 1, 11)]
    [TestCase(3, 5, 3, 2, 15)]
    [TestCase(3, 5, 3, 2, 15, FrameLayout.BandMajor)]
    [TestCase(5, 11, 5, 3, 11)]
    public void Unfold_forward_and_backward(
        int kernel,
        int bands,
        int bandKernel,
        int stride,
        int width,
        FrameLayout layout = FrameLayout.ChannelMajor
    )
    {
        const int steps = 6;
        var shape = new UnfoldShape(kernel, bands, bandKernel, stride, layout);
        var lens = _p.Ints(6, 1, 3);
        var x = _p.RandomTensor(3, steps, width);
        var cols = _p.Poisoned(3, steps, shape.FrameColumns(width));
        _p.Cpu.Unfold(x.Cpu, lens.Cpu, shape, cols.Cpu);
        _p.Gpu.Unfold(x.Gpu, lens.Gpu, shape, cols.Gpu);
        Assert.That(_p.Error(cols), Is.LessThanOrEqualTo(ForwardTolerance));
        var dCols = _p.RandomTensor(3, steps, shape.FrameColumns(width));
        var dx = _p.Poisoned(3, steps, width);
        _p.Cpu.UnfoldBackward(dCols.Cpu, lens.Cpu, shape, dx.Cpu);
        _p.Gpu.UnfoldBackward(dCols.Gpu, lens.Gpu, shape, dx.Gpu);
        Assert.That(_p.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [Test]
    public void Masked_mean_pooling_forward_and_backward()
    {
        const int steps = 6,
            width = 11;
        var lens = _p.Ints(6, 1, 3);
        var x = _p.RandomTensor(3, steps, width);
        var y = _p.Poisoned(3, width);
        _p.Cpu.MaskedMeanPool(x.Cpu, lens.Cpu, y.Cpu);
        _p.Gpu.MaskedMeanPool(x.Gpu, lens.Gpu, y.Gpu);
        Assert.That(_p.Error(y), Is.LessThanOrEqualTo(ForwardTolerance));
        var dy = _p.RandomTensor(3, width);
        var dx = _p.Poisoned(3, steps, width);
        _p.Cpu.MaskedMeanPoolBackward(dy.Cpu, lens.Cpu, dx.Cpu);
        _p.Gpu.MaskedMeanPoolBackward(dy.Gpu, lens.Gpu, dx.Gpu);
        Assert.That(_p.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [Test]
    public void Copy_columns_concatenates_and_takes_back()
    {
        var (left, right) = (_p.RandomTensor(5, 7), _p.RandomTensor(5, 11));
        var both = _p.Poisoned(5, 18);
        _p.Cpu.CopyColumns(left.Cpu, 0, both.Cpu, 0, 7);
        _p.Gpu.CopyColumns(left.Gpu, 0, both.Gpu, 0, 7);
        _p.Cpu.CopyColumns(right.Cpu, 0, both.Cpu, 7, 11);
        _p.Gpu.CopyColumns(right.Gpu, 0, both.Gpu, 7, 11);
        Assert.That(_p.Error(both), Is.EqualTo(0));
        var back = _p.Poisoned(5, 9);
        _p.Cpu.CopyColumns(both.Cpu, 4, back.Cpu, 0, 9);
        _p.Gpu.CopyColumns(both.Gpu, 4, back.Gpu, 0, 9);
        Assert.That(_p.Error(back), Is.EqualTo(0));
    }

    [Test]
    public void Statistics_pooling_forward_and_backward()
    {
        const int steps = 9,
            width = 13;
        var lens = _p.Ints(9, 1, 4);
        var x = _p.RandomTensor(3, steps, width);
        var y = _p.Poisoned(3, 2 * width);
        _p.Cpu.StatisticsPool(x.Cpu, lens.Cpu, y.Cpu);
        _p.Gpu.StatisticsPool(x.Gpu, lens.Gpu, y.Gpu);
        Assert.That(_p.Error(y), Is.LessThanOrEqualTo(ForwardTolerance));
        var dy = _p.RandomTensor(3, 2 * width);
        var dx = _p.Poisoned(3, steps, width);
        _p.Cpu.StatisticsPoolBackward(dy.Cpu, x.Cpu, y.Cpu, lens.Cpu, dx.Cpu);
        _p.Gpu.StatisticsPoolBackward(dy.Gpu, x.Gpu, y.Gpu, lens.Gpu, dx.Gpu);
        Assert.That(_p.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }

    [TestCase(LossKind.L1, false)]
    [TestCase(LossKind.L1, true)]
    [TestCase(LossKind.CrossEntropy, false)]
    [TestCase(LossKind.CrossEntropy, true)]
    public void Softmax_loss(LossKind kind, bool weighted)
    {
        const int batch = 5,
            classes = 7;
        var logits = _p.Data(_p.RandomData(batch * classes, 3f), batch, classes);
        var targets = _p.Ints(Enumerable.Range(0, batch).Select(_ => _p.Random.Next(classes)).ToArray());
        var weights = weighted
            ? _p.Data(Enumerable.Range(0, classes).Select(_ => 0.5f + (float)_p.Random.NextDouble()).ToArray(), classes)
            : default;
        var probs = _p.Poisoned(batch, classes);
        var grad = _p.Poisoned(batch, classes);
        double expected = _p.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, weights.Cpu, kind, probs.Cpu, grad.Cpu);
        double actual = _p.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, weights.Gpu, kind, probs.Gpu, grad.Gpu);
        Assert.That(actual, Is.EqualTo(expected).Within(ForwardTolerance * Math.Abs(expected)), "loss");
        Assert.That(_p.Error(probs), Is.LessThanOrEqualTo(ForwardTolerance), "probabilities");
        Assert.That(_p.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "dlogits");
    }

    /// <summary>Scores far beyond float's exp range (|q·k|/√d in the thousands): both backends must give the same
    /// near-one-hot probabilities, not ∞/∞.</summary>
    [Test]
    public void Attention_softmax_survives_huge_scores()
    {
        const int heads = 3,
            embed = 12,
            steps = 9;
        var lens = _p.Ints(9, 4);
        var qkv = _p.Data(_p.RandomData(2 * steps * 3 * embed, 40f), 2, steps, 3 * embed);
        var probs = _p.Poisoned(2, heads, steps, steps);
        var context = _p.Poisoned(2, steps, embed);
        _p.Cpu.AttentionForward(qkv.Cpu, lens.Cpu, heads, DropoutSpec.None, probs.Cpu, context.Cpu);
        _p.Gpu.AttentionForward(qkv.Gpu, lens.Gpu, heads, DropoutSpec.None, probs.Gpu, context.Gpu);
        Assert.That(
            ParityHarness.Host(_p.Cpu, probs.Cpu),
            Is.All.Matches<float>(float.IsFinite),
            "reference probabilities"
        );
        // Scores reach 4 · 40² / √4 = 3 200, where one float ulp is 2.4e-4: two summation orders differ by that much in
        // the exponent, and so in the probabilities (1e-5 failed once, on a clean-clone CI run's random draw: 1.07e-5).
        const double hugeScoreTolerance = 1e-3;
        Assert.That(_p.Error(probs), Is.LessThanOrEqualTo(hugeScoreTolerance), "probabilities");
        Assert.That(_p.Error(context), Is.LessThanOrEqualTo(hugeScoreTolerance), "context");
    }

    /// <summary>A confidently wrong utterance (target probability below float's smallest value) must still give a
    /// finite cross-entropy equal to the logit gap, on both backends: −log p_y = log Σ exp(x_c − max) − (x_y −
    /// max).</summary>
    [Test]
    public void Cross_entropy_stays_finite_when_the_target_probability_underflows()
    {
        var logits = _p.Data([0f, 200f, -3f, 1f, 250f, 2f], 2, 3);
        var targets = _p.Ints(0, 2);
        var probs = _p.Poisoned(2, 3);
        var grad = _p.Poisoned(2, 3);
        double expected =
            (200 + Math.Log(1 + Math.Exp(-200) + Math.Exp(-203)) + 248 + Math.Log(1 + Math.Exp(-249) + Math.Exp(-248)))
            / 2;
        double cpu = _p.Cpu.SoftmaxLoss(logits.Cpu, targets.Cpu, null, LossKind.CrossEntropy, probs.Cpu, grad.Cpu);
        double gpu = _p.Gpu.SoftmaxLoss(logits.Gpu, targets.Gpu, null, LossKind.CrossEntropy, probs.Gpu, grad.Gpu);
        Assert.That(cpu, Is.EqualTo(expected).Within(1e-5).Percent, "cpu");
        Assert.That(gpu, Is.EqualTo(expected).Within(1e-5).Percent, "kernel");
        Assert.That(_p.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "dlogits");
    }

    [Test]
    public void Regression_loss()
    {
        const int batch = 7;
        var outputs = _p.Data(_p.RandomData(batch, 2f), batch);
        var targets = _p.Data(_p.RandomData(batch, 3f), batch);
        var predictions = _p.Poisoned(batch);
        var grad = _p.Poisoned(batch);
        double expected = _p.Cpu.RegressionLoss(outputs.Cpu, targets.Cpu, 3, predictions.Cpu, grad.Cpu);
        double actual = _p.Gpu.RegressionLoss(outputs.Gpu, targets.Gpu, 3, predictions.Gpu, grad.Gpu);
        Assert.That(actual, Is.EqualTo(expected).Within(ForwardTolerance * Math.Abs(expected)), "loss");
        Assert.That(_p.Error(predictions), Is.LessThanOrEqualTo(ForwardTolerance), "predictions");
        Assert.That(_p.Error(grad), Is.LessThanOrEqualTo(GradientTolerance), "doutputs");
    }

    [Test]
    public void Adam_step()
    {
        const int n = 1037;
        var values = _p.RandomTensor(n);
        var grads = _p.RandomTensor(n);
        var m = _p.Data(_p.RandomData(n, 0.1f), n);
        var v = _p.Data(_p.RandomData(n, 0.1f).Select(Math.Abs).ToArray(), n);
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.01);
        _p.Cpu.AdamStep(values.Cpu, grads.Cpu, m.Cpu, v.Cpu, settings, 3);
        _p.Gpu.AdamStep(values.Gpu, grads.Gpu, m.Gpu, v.Gpu, settings, 3);
        Assert.That(_p.Error(values), Is.LessThanOrEqualTo(ForwardTolerance), "values");
        Assert.That(_p.Error(m), Is.LessThanOrEqualTo(ForwardTolerance), "m");
        Assert.That(_p.Error(v), Is.LessThanOrEqualTo(ForwardTolerance), "v");
    }
}

/// <summary>The `ser doctor` self-check at small size on ilgpu-cpu: every named kernel runs and passes.</summary>
public class KernelSelfCheckTests
{
    [Test]
    public void Every_kernel_passes_at_small_size()
    {
        using var pair = new BackendPair();
        var results = new KernelSelfCheck(pair.Harness, SelfCheckSize.Small).Run().ToList();
        Assert.That(results.Select(r => r.Kernel), Is.EqualTo(KernelSelfCheck.Kernels));
        foreach (var r in results)
            Assert.That(r.MaxRelativeError, Is.LessThanOrEqualTo(r.Tolerance), r.Kernel);
    }

    [Test, Category("Slow")]
    public void Doctor_cli_lists_devices_and_prints_one_row_per_kernel()
    {
        var (code, output) = SerProcess.Run("doctor", "--device", "ilgpu-cpu", "--seed", "3");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("ILGPU devices"));
        foreach (var kernel in KernelSelfCheck.Kernels)
            Assert.That(output, Does.Match($@"{kernel}\s+│\s+\S+\s+│\s+\S+\s+│\s+pass"), kernel);
    }

    [Test]
    public void Backends_resolve_device_names()
    {
        Assert.That(Backends.Create("cpu").Name, Does.StartWith("cpu"));
        using var ilgpu = Backends.Create("ilgpu-cpu");
        Assert.That(ilgpu.Name, Does.StartWith("ilgpu-cpu"));
        Assert.That(Backends.Resolve("auto"), Is.EqualTo(GpuDevice.CudaAvailable() ? "cuda" : "cpu"));
        Assert.Throws<ArgumentException>(() => Backends.Create("tpu"));
    }
}
