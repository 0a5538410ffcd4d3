using BenchmarkDotNet.Attributes;
using SpeechEmotion.Engine;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Benchmarks;

/// <summary>
/// Per-op benchmarks on the cpu backend (and cuda when a CUDA device opens; each op then ends with a synchronise so the
/// kernel time is inside the measurement) at the "paper" shapes (batch 32, Frames frames, F 400, H 128, E 256, 8
/// heads):
/// GEMM (the GRU input projection), GRU forward/backward (both directions), attention forward/backward, Unfold and its
/// backward (the im2col of a 5-frame convolution front end, pure data movement; UnfoldBands that of a 5 frames × 5 bins
/// 2-D convolution with bin stride 4 over the 400 bins as one channel; UnfoldBandMajor that of a stacked layer's 3 × 3,
/// stride 2 convolution reading 16 channels × 25 band positions band-major, as a previous 2-D layer writes them), Adam
/// over the whole model. FLOP counts as in the kernel files; the GFLOP/s column divides them by the mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(GflopsConfig))]
public class OpBenchmarks : IFlopCount
{
    private const int Batch = 32,
        Input = 400,
        Hidden = 128,
        Embed = 256,
        Heads = 8,
        Parameters = 700_000,
        ConvKernel = 5;
    private static readonly UnfoldShape TimeConv = new(ConvKernel),
        BandConv = new(ConvKernel, Input, BandKernel: 5, BandStride: 4),
        StackedConv = new(3, Bands: 25, BandKernel: 3, BandStride: 2, FrameLayout.BandMajor);

    [Params(100, 300, 900)]
    public int Frames { get; set; }

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    public static IEnumerable<string> Devices() => GpuDevice.CudaAvailable() ? ["cpu", "cuda"] : ["cpu"];

    private IBackend<float> _b = null!;
    private Tensor<float> _x = null!,
        _cols = null!,
        _bandCols = null!,
        _stackedCols = null!,
        _dx = null!,
        _w = null!,
        _gi = null!,
        _out = null!,
        _qkv = null!,
        _probs = null!,
        _ctx = null!,
        _dqkv = null!;
    private Tensor<float> _values = null!,
        _grads = null!,
        _m = null!,
        _v = null!,
        _pooled = null!,
        _stats = null!,
        _dStats = null!,
        _dOut = null!,
        _wide = null!;
    private Tensor<int> _lengths = null!;
    private GruDirection<float>[] _gru = [];

    private Tensor<float> Random(params int[] shape)
    {
        var t = _b.Allocate(shape);
        var random = new Random(shape.Sum());
        _b.Upload(Enumerable.Range(0, t.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray(), t);
        return t;
    }

    [GlobalSetup]
    public void Setup()
    {
        _b = Backends.Create(Device);
        _x = Random(Batch, Frames, Input);
        _w = Random(3 * Hidden, Input);
        _cols = Random(Batch, Frames, TimeConv.FrameColumns(Input));
        _bandCols = Random(Batch, Frames, BandConv.FrameColumns(Input));
        _stackedCols = Random(Batch, Frames, StackedConv.FrameColumns(Input));
        _dx = _b.Allocate(Batch, Frames, Input);
        _gi = _b.Allocate(Batch, Frames, 3 * Hidden);
        _out = Random(Batch, Frames, 2 * Hidden);
        _lengths = _b.AllocateInts(Batch);
        _b.Upload(Enumerable.Repeat(Frames, Batch).ToArray(), _lengths);
        _gru =
        [
            .. new[] { false, true }.Select(
                (reverse, d) =>
                    new GruDirection<float>(
                        reverse,
                        d * Hidden,
                        Random(Batch, Frames, 3 * Hidden),
                        Random(3 * Hidden, Hidden),
                        Random(3 * Hidden),
                        _b.Allocate(Batch, Frames, 4 * Hidden),
                        _b.Allocate(Batch, Frames, Hidden),
                        _b.Allocate(Batch, Frames, 3 * Hidden),
                        _b.Allocate(Batch, Frames, 3 * Hidden)
                    )
            ),
        ];
        _b.GruForward(_gru, _lengths, _out);
        _qkv = Random(Batch, Frames, 3 * Embed);
        _probs = _b.Allocate(Batch, Heads, Frames, Frames);
        _ctx = _b.Allocate(Batch, Frames, Embed);
        _dqkv = _b.Allocate(Batch, Frames, 3 * Embed);
        _b.AttentionForward(_qkv, _lengths, Heads, new DropoutSpec(0.2f, 1, 1, 1), _probs, _ctx);
        (_values, _grads, _m, _v) = (
            Random(Parameters),
            Random(Parameters),
            Random(Parameters),
            _b.Allocate(Parameters)
        );
        (_pooled, _stats, _dStats, _dOut) = (
            _b.Allocate(Batch, Embed),
            _b.Allocate(Batch, 2 * Embed),
            Random(Batch, 2 * Embed),
            _b.Allocate(Batch, Frames, Embed)
        );
        _b.StatisticsPool(_out, _lengths, _stats);
        _wide = _b.Allocate(Batch, Frames, 2 * Embed);
    }

    public double Flops(string benchmark)
    {
        double rows = (double)Batch * Frames,
            h = Hidden,
            t = Frames,
            dk = Embed / Heads;
        return benchmark switch
        {
            nameof(Gemm) => 2 * rows * 3 * h * Input,
            nameof(GruForward) or nameof(GruBackward) => 2 * rows * (6 * h * h + 20 * h),
            nameof(AttentionForward) => 4.0 * Batch * Heads * t * t * dk,
            nameof(AttentionBackward) => 8.0 * Batch * Heads * t * t * dk,
            nameof(Adam) => 12.0 * Parameters,
            nameof(AttentionDropoutMask) => double.NaN,
            _ => double.NaN,
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _b.Dispose();

    [Benchmark]
    public void Gemm()
    {
        _b.Gemm(_x, false, _w, true, _gi, Batch * Frames, 3 * Hidden, Input, 1f, 0f);
        _b.Synchronize();
    }

    [Benchmark]
    public void GruForward()
    {
        _b.GruForward(_gru, _lengths, _out);
        _b.Synchronize();
    }

    [Benchmark]
    public void GruBackward()
    {
        _b.GruBackward(_out, _gru, _lengths);
        _b.Synchronize();
    }

    [Benchmark]
    public void AttentionForward()
    {
        _b.AttentionForward(_qkv, _lengths, Heads, new DropoutSpec(0.2f, 1, 1, 1), _probs, _ctx);
        _b.Synchronize();
    }

    [Benchmark]
    public void AttentionBackward()
    {
        _b.AttentionBackward(_ctx, _qkv, _probs, _lengths, Heads, new DropoutSpec(0.2f, 1, 1, 1), _dqkv);
        _b.Synchronize();
    }

    [Benchmark]
    public void Unfold()
    {
        _b.Unfold(_x, _lengths, TimeConv, _cols);
        _b.Synchronize();
    }

    [Benchmark]
    public void UnfoldBands()
    {
        _b.Unfold(_x, _lengths, BandConv, _bandCols);
        _b.Synchronize();
    }

    [Benchmark]
    public void UnfoldBandsBackward()
    {
        _b.UnfoldBackward(_bandCols, _lengths, BandConv, _dx);
        _b.Synchronize();
    }

    [Benchmark]
    public void UnfoldBandMajor()
    {
        _b.Unfold(_x, _lengths, StackedConv, _stackedCols);
        _b.Synchronize();
    }

    [Benchmark]
    public void UnfoldBandMajorBackward()
    {
        _b.UnfoldBackward(_stackedCols, _lengths, StackedConv, _dx);
        _b.Synchronize();
    }

    [Benchmark]
    public void UnfoldBackward()
    {
        _b.UnfoldBackward(_cols, _lengths, TimeConv, _dx);
        _b.Synchronize();
    }

    [Benchmark]
    public void MaskedMeanPool()
    {
        _b.MaskedMeanPool(_out, _lengths, _pooled);
        _b.Synchronize();
    }

    [Benchmark]
    public void StatisticsPool()
    {
        _b.StatisticsPool(_out, _lengths, _stats);
        _b.Synchronize();
    }

    [Benchmark]
    public void StatisticsPoolBackward()
    {
        _b.StatisticsPoolBackward(_dStats, _out, _stats, _lengths, _dOut);
        _b.Synchronize();
    }

    /// <summary>The frames of [B, T, E] into the left half of [B, T, 2E]: a concatenation's memory traffic at frame
    /// scale (the model itself concatenates only [B, 2E] vectors).</summary>
    [Benchmark]
    public void CopyColumns()
    {
        _b.CopyColumns(_out, 0, _wide, 0, Embed);
        _b.Synchronize();
    }

    /// <summary>The Philox keep-mask of one attention pass (B·heads·T² elements, row by row as the attention draws it),
    /// on one thread: the part of attention forward/backward that is random-number generation.</summary>
    [Benchmark]
    public void AttentionDropoutMask()
    {
        var spec = new DropoutSpec(0.2f, 1, 1, 1);
        Span<float> row = stackalloc float[Frames];
        for (int r = 0; r < Batch * Heads * Frames; r++)
            Philox.FillKeep(spec, r * Frames, row);
    }

    [Benchmark]
    public void Adam()
    {
        _b.AdamStep(_values, _grads, _m, _v, new AdamSettings(), 3);
        _b.Synchronize();
    }
}
