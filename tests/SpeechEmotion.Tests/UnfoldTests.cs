using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Kernels;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>The CPU reference of the convolutions over time and over time × bands: Unfold then a GEMM is the
/// convolution as written out, and UnfoldBackward is Unfold's adjoint.</summary>
public class UnfoldTests : OpTest
{
    [TestCase("unfold")]
    public void Matches_its_reference_as_the_doctor_checks_it(string op) => AssertMatchesReference(op);

    private static readonly int[] Lengths = [7, 1, 4];
    private const int Steps = 7,
        Width = 5;
    private readonly CpuBackend<double> _cpu = new();
    private readonly Random _random = new(17);

    private Tensor<double> RandomTensor(params int[] shape)
    {
        var t = _cpu.Allocate(shape);
        _cpu.Upload(Enumerable.Range(0, t.Length).Select(_ => _random.NextDouble() * 2 - 1).ToArray(), t);
        return t;
    }

    private Tensor<int> Lens()
    {
        var t = _cpu.AllocateInts(Lengths.Length);
        _cpu.Upload(Lengths, t);
        return t;
    }

    private static double[] Host(Tensor<double> t) => ((CpuTensor<double>)t).Span.ToArray();

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(9)]
    public void Unfold_then_gemm_is_the_convolution_written_out(int kernel)
    {
        const int channels = 4;
        var x = RandomTensor(Lengths.Length, Steps, Width);
        var w = RandomTensor(channels, Width, kernel);
        var cols = _cpu.Allocate(Lengths.Length, Steps, Width * kernel);
        _cpu.Fill(cols, double.NaN);
        _cpu.Unfold(x, Lens(), new UnfoldShape(kernel), cols);
        var y = _cpu.Allocate(Lengths.Length, Steps, channels);
        _cpu.Gemm(cols, false, w, true, y, Lengths.Length * Steps, channels, Width * kernel, 1, 0);

        var (xs, ws, ys) = (Host(x), Host(w), Host(y));
        for (int b = 0; b < Lengths.Length; b++)
        for (int t = 0; t < Steps; t++)
        for (int c = 0; c < channels; c++)
        {
            double expected = 0;
            for (int k = 0; k < kernel; k++)
            {
                int s = t - kernel / 2 + k;
                if (t >= Lengths[b] || s < 0 || s >= Lengths[b])
                    continue;
                for (int f = 0; f < Width; f++)
                    expected += ws[(c * Width + f) * kernel + k] * xs[(b * Steps + s) * Width + f];
            }
            Assert.That(ys[(b * Steps + t) * channels + c], Is.EqualTo(expected).Within(1e-12), $"b {b} t {t} c {c}");
        }
    }

    // PyTorch Conv2d on the image [Cin, Bands, T], stride (S, 1), padding (Kf/2, Kt/2): Cin = 2 channels of 5 bands,
    // stored channel-major (the front end) or band-major (a previous 2-D layer's output).
    [TestCase(3, 3, 2, FrameLayout.ChannelMajor)]
    [TestCase(5, 1, 1, FrameLayout.ChannelMajor)]
    [TestCase(1, 5, 3, FrameLayout.ChannelMajor)]
    [TestCase(3, 3, 2, FrameLayout.BandMajor)]
    [TestCase(1, 5, 3, FrameLayout.BandMajor)]
    public void Unfold_then_gemm_is_the_2d_convolution_written_out(
        int kernel,
        int bandKernel,
        int stride,
        FrameLayout layout
    )
    {
        const int channels = 3,
            inputs = 2,
            bands = 5,
            width = inputs * bands;
        var shape = new UnfoldShape(kernel, bands, bandKernel, stride, layout);
        var x = RandomTensor(Lengths.Length, Steps, width);
        var w = RandomTensor(channels, inputs, bandKernel, kernel);
        var cols = _cpu.Allocate(Lengths.Length, Steps, shape.FrameColumns(width));
        _cpu.Fill(cols, double.NaN);
        _cpu.Unfold(x, Lens(), shape, cols);
        int positions = shape.Positions,
            rows = Lengths.Length * Steps * positions;
        var y = _cpu.Allocate(Lengths.Length, Steps, positions * channels);
        _cpu.Gemm(cols, false, w, true, y, rows, channels, shape.ColumnWidth(width), 1, 0);

        Assert.That(positions, Is.EqualTo((bands + stride - 1) / stride));
        var (xs, ws, ys) = (Host(x), Host(w), Host(y));
        for (int b = 0; b < Lengths.Length; b++)
        for (int t = 0; t < Steps; t++)
        for (int p = 0; p < positions; p++)
        for (int c = 0; c < channels; c++)
        {
            double expected = 0;
            for (int ci = 0; ci < inputs; ci++)
            for (int j = 0; j < bandKernel; j++)
            for (int k = 0; k < kernel; k++)
            {
                int s = t - kernel / 2 + k,
                    band = p * stride + j - bandKernel / 2;
                if (t >= Lengths[b] || s < 0 || s >= Lengths[b] || band < 0 || band >= bands)
                    continue;
                int f = layout == FrameLayout.ChannelMajor ? ci * bands + band : band * inputs + ci;
                expected += ws[((c * inputs + ci) * bandKernel + j) * kernel + k] * xs[(b * Steps + s) * width + f];
            }
            Assert.That(
                ys[((b * Steps + t) * positions + p) * channels + c],
                Is.EqualTo(expected).Within(1e-12),
                $"b {b} t {t} p {p} c {c}"
            );
        }
    }

    [TestCase(3, 1, 1, 1)]
    [TestCase(5, 1, 1, 1)]
    [TestCase(3, 5, 3, 2)]
    [TestCase(1, 5, 5, 3)]
    [TestCase(3, 1, 3, 1)]
    [TestCase(3, 5, 3, 2, FrameLayout.BandMajor)]
    public void Backward_is_the_adjoint_and_pads_with_zeros(
        int kernel,
        int bands,
        int bandKernel,
        int stride,
        FrameLayout layout = FrameLayout.ChannelMajor
    )
    {
        var shape = new UnfoldShape(kernel, bands, bandKernel, stride, layout);
        int frameCols = shape.FrameColumns(Width);
        var x = RandomTensor(Lengths.Length, Steps, Width);
        var dCols = RandomTensor(Lengths.Length, Steps, frameCols);
        var cols = _cpu.Allocate(Lengths.Length, Steps, frameCols);
        var dx = _cpu.Allocate(Lengths.Length, Steps, Width);
        _cpu.Fill(dx, double.NaN);
        _cpu.Unfold(x, Lens(), shape, cols);
        _cpu.UnfoldBackward(dCols, Lens(), shape, dx);

        // <Unfold(x), c> = <x, Unfoldᵀ(c)> for every x and c.
        double left = Host(cols).Zip(Host(dCols)).Sum(p => p.First * p.Second);
        double right = Host(x).Zip(Host(dx)).Sum(p => p.First * p.Second);
        Assert.That(right, Is.EqualTo(left).Within(1e-12 * Math.Max(1, Math.Abs(left))));
        Assert.That(left, Is.Not.EqualTo(0));
        var dxs = Host(dx);
        for (int b = 0; b < Lengths.Length; b++)
        for (int t = Lengths[b]; t < Steps; t++)
            Assert.That(
                dxs.AsSpan((b * Steps + t) * Width, Width).ToArray(),
                Is.All.EqualTo(0.0),
                $"padded frame b {b} t {t}"
            );
    }

    [Test]
    public void Even_kernels_and_bands_without_a_convolution_are_refused()
    {
        var x = RandomTensor(Lengths.Length, Steps, Width);
        var cols = _cpu.Allocate(Lengths.Length, Steps, Width * 4);
        Assert.That(
            () => _cpu.Unfold(x, Lens(), new UnfoldShape(4), cols),
            Throws.ArgumentException.With.Message.Contains("odd")
        );
        Assert.That(
            () => _cpu.Unfold(x, Lens(), new UnfoldShape(1, Width, 2), cols),
            Throws.ArgumentException.With.Message.Contains("odd")
        );
        Assert.That(
            () => _cpu.Unfold(x, Lens(), new UnfoldShape(1, 2), cols),
            Throws.ArgumentException.With.Message.Contains("does not split")
        );
        Assert.That(
            () => new ModelConfig { ConvChannels = 8, ConvBandKernel = 2 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("odd")
        );
        Assert.That(
            () =>
                new ModelConfig
                {
                    ConvChannels = 8,
                    ConvBandKernel = 3,
                    ConvBandStride = 0,
                }.Validate(),
            Throws.ArgumentException.With.Message.Contains("stride")
        );
        Assert.That(
            () => new ModelConfig { ConvBandKernel = 3 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("setting ConvChannels"),
            "library terms; the CLI says --conv"
        );
        Assert.That(
            () => new ModelConfig { ConvChannels = 8, ConvKernel = 4 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("odd")
        );
        Assert.That(() => new ModelConfig { ConvChannels = -1 }.Validate(), Throws.ArgumentException);
        Assert.That(
            () => new ModelConfig { ConvLayers = 2 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("setting ConvChannels")
        );
        Assert.That(
            () => new ModelConfig { ConvChannels = 8, ConvLayers = 0 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("1 to 8")
        );
        Assert.That(
            () => new ModelConfig { ConvChannels = 8, ConvLayers = 9 }.Validate(),
            Throws.ArgumentException.With.Message.Contains("1 to 8")
        );
    }

    [Test]
    public void A_model_with_a_convolution_names_its_weights_like_pytorch_conv1d()
    {
        var config = new ModelConfig
        {
            InputSize = 30,
            ConvChannels = 16,
            ConvKernel = 5,
            Hidden = 8,
            Heads = 2,
            Classes = 3,
        };
        using var model = new SerModel<double>(_cpu, config, seed: 3);
        var conv = model.Parameters.All.Single(p => p.Name == "conv.weight");
        Assert.That(conv.Value.Shape, Is.EqualTo(new[] { 16, 30, 5 }));
        Assert.That(
            model.Parameters.All.Single(p => p.Name == "gru.weight_ih_l0").Value.Shape,
            Is.EqualTo(new[] { 24, 16 })
        );
        Assert.That(config.Architecture, Is.EqualTo("conv 16×5, Bi-GRU 8, 2 heads"));
        // U(±1/√(F·K)) as nn.Conv1d initialises it: bound 1/√150 ≈ 0.0816.
        var w = Host(conv.Value);
        Assert.That(w.Max(Math.Abs), Is.LessThanOrEqualTo(1 / Math.Sqrt(150)).And.GreaterThan(0.9 / Math.Sqrt(150)));
    }

    [Test]
    public void A_model_with_a_2d_convolution_reads_deltas_as_channels_like_pytorch_conv2d()
    {
        // 64 mel bands + pitch (2) with Δ and ΔΔ: 3 channels of 66 bands; stride 4 gives 17 band positions.
        var config = new ModelConfig
        {
            InputSize = 198,
            Deltas = true,
            Pitch = true,
            ConvChannels = 8,
            ConvKernel = 5,
            ConvBandKernel = 3,
            ConvBandStride = 4,
            Hidden = 8,
            Heads = 2,
            Classes = 3,
        };
        using var model = new SerModel<double>(_cpu, config, seed: 3);
        var conv = model.Parameters.All.Single(p => p.Name == "conv.weight");
        Assert.That(conv.Value.Shape, Is.EqualTo(new[] { 8, 3, 3, 5 }));
        Assert.That(config.GruInputSize, Is.EqualTo(17 * 8));
        Assert.That(
            model.Parameters.All.Single(p => p.Name == "gru.weight_ih_l0").Value.Shape,
            Is.EqualTo(new[] { 24, 136 })
        );
        Assert.That(config.Architecture, Is.EqualTo("conv2d 8×5×3/4, Bi-GRU 8, 2 heads"));
        // U(±1/√(Cin·Kf·Kt)) as nn.Conv2d initialises it: bound 1/√45.
        var w = Host(conv.Value);
        Assert.That(w.Max(Math.Abs), Is.LessThanOrEqualTo(1 / Math.Sqrt(45)).And.GreaterThan(0.9 / Math.Sqrt(45)));
    }

    [Test]
    public void A_second_2d_layer_reads_the_first_ones_band_positions_with_twice_the_channels()
    {
        // 3 channels of 66 bands → 8 channels × 17 positions (stride 4) → 16 channels × 5 positions.
        var config = new ModelConfig
        {
            InputSize = 198,
            Deltas = true,
            Pitch = true,
            ConvChannels = 8,
            ConvKernel = 5,
            ConvBandKernel = 3,
            ConvBandStride = 4,
            ConvLayers = 2,
            Hidden = 8,
            Heads = 2,
            Classes = 3,
        };
        using var model = new SerModel<double>(_cpu, config, seed: 3);
        Assert.That(config.ConvLayerShape(1), Is.EqualTo(new UnfoldShape(5, 17, 3, 4, FrameLayout.BandMajor)));
        Assert.That(
            model.Parameters.All.Single(p => p.Name == "conv2.weight").Value.Shape,
            Is.EqualTo(new[] { 16, 8, 3, 5 })
        );
        Assert.That(model.Parameters.All.Single(p => p.Name == "conv2.bias").Value.Shape, Is.EqualTo(new[] { 16 }));
        Assert.That(config.GruInputSize, Is.EqualTo(16 * 5));
        Assert.That(config.Architecture, Is.EqualTo("conv2d 8×5×3/4, conv2d 16×5×3/4, Bi-GRU 8, 2 heads"));
        // Over time only, a second layer reads the first one's channels: conv 8×5 then conv 16×5.
        var temporal = config with
        {
            ConvBandKernel = 0,
        };
        Assert.That((temporal.ConvLayerInput(1), temporal.GruInputSize), Is.EqualTo((8, 16)));
    }

    [TestCase(1, 41)]
    [TestCase(3, 42)]
    [TestCase(5, 43)]
    [TestCase(7, 44)]
    public void Convolution_gradients(int kernel, int seed) =>
        AssertGradients(GradientCheck.Conv(new UnfoldShape(kernel), seed), 3);

    /// <summary>2-D convolution over time × bands: two input channels of 4 bands (3 × 3, stride 2), one channel of
    /// 7 of 8 bands' reach (1 × 5, stride 3: the last position hangs over the top band), 3 × 7 frames ×
    /// bands.</summary>
    [TestCase(3, 4, 3, 2, 51)]
    [TestCase(1, 8, 5, 3, 52)]
    [TestCase(3, 8, 7, 1, 53)]
    [TestCase(3, 4, 3, 2, 56, FrameLayout.BandMajor)]
    public void Convolution_over_time_and_bands_gradients(
        int kernel,
        int bands,
        int bandKernel,
        int stride,
        int seed,
        FrameLayout layout = FrameLayout.ChannelMajor
    ) => AssertGradients(GradientCheck.Conv(new UnfoldShape(kernel, bands, bandKernel, stride, layout), seed), 3);

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
        var lens = P.Ints(6, 1, 3);
        var x = P.RandomTensor(3, steps, width);
        var cols = P.Poisoned(3, steps, shape.FrameColumns(width));
        P.Cpu.Unfold(x.Cpu, lens.Cpu, shape, cols.Cpu);
        P.Gpu.Unfold(x.Gpu, lens.Gpu, shape, cols.Gpu);
        Assert.That(P.Error(cols), Is.LessThanOrEqualTo(ForwardTolerance));
        var dCols = P.RandomTensor(3, steps, shape.FrameColumns(width));
        var dx = P.Poisoned(3, steps, width);
        P.Cpu.UnfoldBackward(dCols.Cpu, lens.Cpu, shape, dx.Cpu);
        P.Gpu.UnfoldBackward(dCols.Gpu, lens.Gpu, shape, dx.Gpu);
        Assert.That(P.Error(dx), Is.LessThanOrEqualTo(GradientTolerance));
    }
}
