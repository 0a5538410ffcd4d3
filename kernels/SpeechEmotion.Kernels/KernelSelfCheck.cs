using System.Diagnostics;
using ILGPU.Runtime;
using SpeechEmotion.Engine;
using SpeechEmotion.Features;

namespace SpeechEmotion.Kernels;

/// <summary>One kernel's result: its largest error against the CPU reference and the time of one launch.</summary>
public sealed record KernelCheckResult(string Kernel, double MaxRelativeError, double Tolerance, double Milliseconds)
{
    public bool Passed => MaxRelativeError <= Tolerance;
}

/// <summary>Problem sizes for the self-check: small (odd sizes, seconds on any device) or the paper's full
/// size.</summary>
public sealed record SelfCheckSize(string Name, int Batch, int Steps, int Input, int Hidden, int Heads, int Classes)
{
    public static readonly SelfCheckSize Small = new("small", 3, 9, 13, 13, 2, 5);
    public static readonly SelfCheckSize Full = new("full", 32, 300, 400, 128, 8, 7);

    public static SelfCheckSize Parse(string name) =>
        name switch
        {
            "small" => Small,
            "full" => Full,
            _ => throw new ArgumentException($"unknown size '{name}' (expected small or full)"),
        };
}

/// <summary>
/// Runs every kernel on the device against the CPU reference with fresh random data and NaN-poisoned outputs
/// (`ser doctor`). Each kernel is launched once to compile it, then timed on a second, fresh launch.
/// Tolerances: forward 1e-5, backward and the GRU recurrence 1e-4, relative to the largest reference value of each
/// output. The recurrence carries each step's float rounding into the next, so two correct float implementations drift
/// apart with the length: 2e-7 at 7 steps, 9.0e-6 at 300 on an H200 (too close to 1e-5 for a check users run).
/// Front ends with pitch 1e-4: the CPU sums YIN's lag products in float, the kernel in double, and the parabolic
/// refinement of the lag amplifies the difference in log F0's Δ and ΔΔ (2.7e-5 on a clean glide, ilgpu-cpu).
/// GEMMs in TF32 against the fp32 reference 1e-3: each input keeps 11 significant bits (relative error ≤ 2⁻¹¹;
/// measured 2.5e-4 to 3.5e-4 on ilgpu-cpu's emulation).
/// </summary>
public sealed class KernelSelfCheck(ParityHarness harness, SelfCheckSize size)
{
    public const double ForwardTolerance = 1e-5,
        GradientTolerance = 1e-4,
        RecurrentTolerance = 1e-4,
        PitchTolerance = 1e-4,
        Tf32Tolerance = 1e-3;

    public static readonly string[] Kernels =
    [
        "front-end-linear",
        "front-end-mel",
        "front-end-utterance",
        "gemm",
        "gru-forward",
        "gru-backward",
        "attention-forward",
        "attention-backward",
        "unfold",
        "pooling",
        "copy-columns",
        "softmax-loss",
        "adam",
    ];

    private sealed record Operation(Action Run, Tensor<float>[] Outputs);

    public IEnumerable<KernelCheckResult> Run()
    {
        foreach (var result in FrontEnds())
            yield return result;
        yield return Gemm();
        foreach (var result in Gru())
            yield return result;
        foreach (var result in Attention())
            yield return result;
        yield return Unfold();
        yield return Pooling();
        yield return CopyColumns();
        yield return Loss();
        yield return Adam();
    }

    private int[] Lengths()
    {
        // Unequal lengths: the full length, length 1, and random ones in between.
        var lengths = Enumerable.Range(0, size.Batch).Select(_ => harness.Random.Next(1, size.Steps + 1)).ToArray();
        lengths[0] = size.Steps;
        if (size.Batch > 1)
            lengths[1] = 1;
        return lengths;
    }

    /// <summary>Prepares inputs and poisoned outputs on each backend, runs, and compares every output.</summary>
    private KernelCheckResult Check(string name, double tolerance, Func<IBackend<float>, Operation> prepare)
    {
        if (harness.Gpu.Precision == Precision.Tf32 && name is "gemm" or "attention-forward" or "attention-backward")
            tolerance = Math.Max(tolerance, Tf32Tolerance); // the ops built on GEMMs

        var reference = prepare(harness.Cpu);
        reference.Run();
        prepare(harness.Gpu).Run();
        var measured = prepare(harness.Gpu);
        harness.Gpu.Accelerator.Synchronize();
        var watch = Stopwatch.StartNew();
        measured.Run();
        harness.Gpu.Accelerator.Synchronize();
        double ms = watch.Elapsed.TotalMilliseconds;
        double error = 0;
        for (int i = 0; i < reference.Outputs.Length; i++)
        {
            double e = ParityHarness.Error(
                ParityHarness.Host(harness.Cpu, reference.Outputs[i]),
                ParityHarness.Host(harness.Gpu, measured.Outputs[i])
            );
            error = Math.Max(error, e);
        }
        return new KernelCheckResult(name, error, tolerance, ms);
    }

    private static Tensor<float> Upload(IBackend<float> backend, float[] host, params int[] shape)
    {
        var t = backend.Allocate(shape);
        backend.Upload(host, t);
        return t;
    }

    private static Tensor<float> Poison(IBackend<float> backend, params int[] shape) =>
        Upload(backend, Enumerable.Repeat(float.NaN, Tensor<float>.ShapeLength(shape)).ToArray(), shape);

    private static Tensor<int> Ints(IBackend<float> backend, int[] values)
    {
        var t = backend.AllocateInts(values.Length);
        backend.Upload(values, t);
        return t;
    }

    private IEnumerable<KernelCheckResult> FrontEnds()
    {
        // Clips of unequal length: the full size.Steps frames, one shorter than a window, random ones in between.
        var clips = Lengths()
            .Select(
                (frames, c) =>
                    c == 1 ? 311 : Spectrogram.WindowLength + (frames - 1) * Spectrogram.Hop + harness.Random.Next(160)
            )
            .Select(samples => harness.RandomData(samples, 0.5f))
            .ToArray();
        var mel = FrontEnd.Mel(64, deltas: true, pitch: true);
        using var kernels = new FrontEndKernels(harness.Gpu.Accelerator);
        yield return FrontEndCheck(kernels, "front-end-linear", FrontEnd.Paper, clips, global: true);
        yield return FrontEndCheck(kernels, "front-end-mel", mel, clips, global: true);
        yield return FrontEndCheck(kernels, "front-end-utterance", mel, clips, global: false);
    }

    /// <summary>The padded, standardised batch against the CPU front end, normaliser and padding; the destination
    /// poisoned before each launch.</summary>
    private KernelCheckResult FrontEndCheck(
        FrontEndKernels kernels,
        string name,
        FrontEnd frontEnd,
        float[][] clips,
        bool global
    )
    {
        var normalizer = global ? FeatureNormalizer.Fit(clips.Select(c => frontEnd.Compute(c)), frontEnd.Width) : null;
        var expected = FrontEndReference(frontEnd, clips, normalizer);
        int steps = expected.Length / (clips.Length * frontEnd.Width);
        var accelerator = harness.Gpu.Accelerator;
        using var output = accelerator.Allocate1D<float>(expected.Length);
        double ms = 0;
        for (int launch = 0; launch < 2; launch++)
        {
            output.CopyFromCPU(Enumerable.Repeat(float.NaN, expected.Length).ToArray());
            accelerator.Synchronize();
            var watch = Stopwatch.StartNew();
            kernels.Compute(frontEnd, clips, normalizer, output.View, steps);
            accelerator.Synchronize();
            ms = watch.Elapsed.TotalMilliseconds;
        }
        double tolerance = frontEnd.Pitch ? PitchTolerance : ForwardTolerance;
        return new KernelCheckResult(name, ParityHarness.Error(expected, output.GetAsArray1D()), tolerance, ms);
    }

    /// <summary>The CPU front end of each clip, standardised (null: with its own statistics), zero-padded to the
    /// longest: what <see cref="FrontEndKernels"/> computes.</summary>
    public static float[] FrontEndReference(
        FrontEnd frontEnd,
        IReadOnlyList<float[]> clips,
        FeatureNormalizer? normalizer
    )
    {
        var features = clips.Select(c => frontEnd.Compute(c)).ToArray();
        int width = frontEnd.Width,
            steps = features.Max(f => f.Length / width);
        var padded = new float[clips.Count * steps * width];
        for (int c = 0; c < clips.Count; c++)
        {
            if (normalizer is null)
                FeatureNormalizer.ApplyOwn(features[c], width);
            else
                normalizer.Apply(features[c]);
            features[c].CopyTo(padded, c * steps * width);
        }
        return padded;
    }

    private KernelCheckResult Gemm()
    {
        // The GRU input projection X·W_ihᵀ and its weight gradient dGiᵀ·X: both transposed variants, odd sizes.
        int m = size.Batch * size.Steps,
            n = 3 * size.Hidden,
            k = size.Input;
        var x = harness.RandomData(m * k);
        var w = harness.RandomData(n * k, 0.1f);
        var dGi = harness.RandomData(m * n);
        var forward = Check(
            "gemm",
            ForwardTolerance,
            b =>
            {
                var c = Poison(b, m, n);
                var (xa, wa) = (Upload(b, x, m, k), Upload(b, w, n, k));
                return new Operation(() => b.Gemm(xa, false, wa, true, c, m, n, k, 1f, 0f), [c]);
            }
        );
        var backward = Check(
            "gemm",
            GradientTolerance,
            b =>
            {
                var c = Poison(b, n, k);
                var (da, xa) = (Upload(b, dGi, m, n), Upload(b, x, m, k));
                return new Operation(() => b.Gemm(da, true, xa, false, c, n, k, m, 1f, 0f), [c]);
            }
        );
        return forward with
        {
            MaxRelativeError = Math.Max(forward.MaxRelativeError, backward.MaxRelativeError),
            Milliseconds = forward.Milliseconds + backward.Milliseconds,
        };
    }

    private IEnumerable<KernelCheckResult> Gru()
    {
        int batch = size.Batch,
            steps = size.Steps,
            h = size.Hidden,
            width = 2 * h;
        var lengths = Lengths();
        var gi = harness.RandomData(batch * steps * 3 * h);
        var whh = harness.RandomData(3 * h * h, 1f / MathF.Sqrt(h));
        var bhh = harness.RandomData(3 * h, 0.1f);
        var dOut = harness.RandomData(batch * steps * width);
        // Both directions in one call into one output; each direction's caches are outputs too.
        GruDirection<float>[] Directions(IBackend<float> b, float[]? gates = null, float[]? prev = null) =>
            [
                .. new[] { false, true }.Select(
                    (reverse, d) =>
                        new GruDirection<float>(
                            reverse,
                            d * h,
                            Upload(b, gi, batch, steps, 3 * h),
                            Upload(b, whh, 3 * h, h),
                            Upload(b, bhh, 3 * h),
                            gates is null
                                ? Poison(b, batch, steps, 4 * h)
                                : Upload(
                                    b,
                                    gates[(d * batch * steps * 4 * h)..((d + 1) * batch * steps * 4 * h)],
                                    batch,
                                    steps,
                                    4 * h
                                ),
                            prev is null
                                ? Poison(b, batch, steps, h)
                                : Upload(
                                    b,
                                    prev[(d * batch * steps * h)..((d + 1) * batch * steps * h)],
                                    batch,
                                    steps,
                                    h
                                ),
                            Poison(b, batch, steps, 3 * h),
                            Poison(b, batch, steps, 3 * h)
                        )
                ),
            ];
        yield return Check(
            "gru-forward",
            RecurrentTolerance,
            b =>
            {
                var (lens, output, dirs) = (Ints(b, lengths), Poison(b, batch, steps, width), Directions(b));
                return new Operation(
                    () => b.GruForward(dirs, lens, output),
                    [output, .. dirs.SelectMany(d => new[] { d.Gates, d.Hprev })]
                );
            }
        );
        // Backward from caches the CPU reference produced, so that only the backward kernel is compared.
        var reference = Directions(harness.Cpu);
        harness.Cpu.GruForward(reference, Ints(harness.Cpu, lengths), harness.Cpu.Allocate(batch, steps, width));
        var gates = reference.SelectMany(d => ParityHarness.Host(harness.Cpu, d.Gates)).ToArray();
        var prev = reference.SelectMany(d => ParityHarness.Host(harness.Cpu, d.Hprev)).ToArray();
        yield return Check(
            "gru-backward",
            GradientTolerance,
            b =>
            {
                var (lens, d, dirs) = (
                    Ints(b, lengths),
                    Upload(b, dOut, batch, steps, width),
                    Directions(b, gates, prev)
                );
                return new Operation(
                    () => b.GruBackward(d, dirs, lens),
                    [.. dirs.SelectMany(x => new[] { x.DGi!, x.DGh! })]
                );
            }
        );
    }

    private IEnumerable<KernelCheckResult> Attention()
    {
        int batch = size.Batch,
            steps = size.Steps,
            e = 2 * size.Hidden,
            heads = size.Heads;
        var lengths = Lengths();
        var qkv = harness.RandomData(batch * steps * 3 * e);
        var dContext = harness.RandomData(batch * steps * e);
        var dropout = new DropoutSpec(0.2f, (ulong)harness.Seed, 1, 1);
        yield return Check(
            "attention-forward",
            ForwardTolerance,
            b =>
            {
                var (lens, x) = (Ints(b, lengths), Upload(b, qkv, batch, steps, 3 * e));
                var (probs, context) = (Poison(b, batch, heads, steps, steps), Poison(b, batch, steps, e));
                return new Operation(
                    () => b.AttentionForward(x, lens, heads, dropout, probs, context),
                    [probs, context]
                );
            }
        );
        var cpuProbs = harness.Cpu.Allocate(batch, heads, steps, steps);
        harness.Cpu.AttentionForward(
            Upload(harness.Cpu, qkv, batch, steps, 3 * e),
            Ints(harness.Cpu, lengths),
            heads,
            dropout,
            cpuProbs,
            harness.Cpu.Allocate(batch, steps, e)
        );
        var probsHost = ParityHarness.Host(harness.Cpu, cpuProbs);
        yield return Check(
            "attention-backward",
            GradientTolerance,
            b =>
            {
                var (lens, x, p, g) = (
                    Ints(b, lengths),
                    Upload(b, qkv, batch, steps, 3 * e),
                    Upload(b, probsHost, batch, heads, steps, steps),
                    Upload(b, dContext, batch, steps, e)
                );
                var dQkv = Poison(b, batch, steps, 3 * e);
                return new Operation(() => b.AttentionBackward(g, x, p, lens, heads, dropout, dQkv), [dQkv]);
            }
        );
    }

    /// <summary>The convolution front end's im2col and its adjoint: over 5 frames (Conv1d), over 3 frames × 3 bands
    /// with band stride 2 (Conv2d, the input as one channel of bands), and the same over two channels stored band-major
    /// (a second 2-D layer reading the first one's output).</summary>
    private KernelCheckResult Unfold()
    {
        int batch = size.Batch,
            steps = size.Steps,
            f = size.Input;
        (UnfoldShape Shape, int Width)[] cases =
        [
            (new(5), f),
            (new(3, Bands: f, BandKernel: 3, BandStride: 2), f),
            (new(3, Bands: f, BandKernel: 3, BandStride: 2, FrameLayout.BandMajor), 2 * f),
        ];
        var lengths = Lengths();
        var x = cases.Select(c => harness.RandomData(batch * steps * c.Width)).ToArray();
        var dCols = cases.Select(c => harness.RandomData(batch * steps * c.Shape.FrameColumns(c.Width))).ToArray();
        return Check(
            "unfold",
            ForwardTolerance,
            b =>
            {
                var lens = Ints(b, lengths);
                var xs = cases.Select((c, i) => Upload(b, x[i], batch, steps, c.Width)).ToArray();
                var g = cases
                    .Select((c, i) => Upload(b, dCols[i], batch, steps, c.Shape.FrameColumns(c.Width)))
                    .ToArray();
                var cols = cases.Select(c => Poison(b, batch, steps, c.Shape.FrameColumns(c.Width))).ToArray();
                var dx = cases.Select(c => Poison(b, batch, steps, c.Width)).ToArray();
                return new Operation(
                    () =>
                    {
                        for (int i = 0; i < cases.Length; i++)
                        {
                            b.Unfold(xs[i], lens, cases[i].Shape, cols[i]);
                            b.UnfoldBackward(g[i], lens, cases[i].Shape, dx[i]);
                        }
                    },
                    [.. cols, .. dx]
                );
            }
        );
    }

    private KernelCheckResult Pooling()
    {
        int batch = size.Batch,
            steps = size.Steps,
            e = 2 * size.Hidden;
        var lengths = Lengths();
        var x = harness.RandomData(batch * steps * e);
        var dy = harness.RandomData(batch * e);
        var dStatsData = harness.RandomData(batch * 2 * e);
        return Check(
            "pooling",
            ForwardTolerance,
            b =>
            {
                var (lens, xs, g) = (Ints(b, lengths), Upload(b, x, batch, steps, e), Upload(b, dy, batch, e));
                var (y, dx) = (Poison(b, batch, e), Poison(b, batch, steps, e));
                var (stats, dStats, dxStats) = (
                    Poison(b, batch, 2 * e),
                    Upload(b, dStatsData, batch, 2 * e),
                    Poison(b, batch, steps, e)
                );
                return new Operation(
                    () =>
                    {
                        b.MaskedMeanPool(xs, lens, y);
                        b.MaskedMeanPoolBackward(g, lens, dx);
                        b.StatisticsPool(xs, lens, stats);
                        b.StatisticsPoolBackward(dStats, xs, stats, lens, dxStats);
                    },
                    [y, dx, stats, dxStats]
                );
            }
        );
    }

    /// <summary>The concatenation of `--input-stats` (pooled [B, 2E] beside input statistics [B, 2F]) and its
    /// gradient.</summary>
    private KernelCheckResult CopyColumns()
    {
        int batch = size.Batch,
            e = 2 * size.Hidden,
            f = 2 * size.Input,
            width = e + f;
        var (left, right, dy) = (
            harness.RandomData(batch * e),
            harness.RandomData(batch * f),
            harness.RandomData(batch * width)
        );
        return Check(
            "copy-columns",
            ForwardTolerance,
            b =>
            {
                var (l, r, g) = (Upload(b, left, batch, e), Upload(b, right, batch, f), Upload(b, dy, batch, width));
                var (y, dl) = (Poison(b, batch, width), Poison(b, batch, e));
                return new Operation(
                    () =>
                    {
                        b.CopyColumns(l, 0, y, 0, e);
                        b.CopyColumns(r, 0, y, e, f);
                        b.CopyColumns(g, 0, dl, 0, e);
                    },
                    [y, dl]
                );
            }
        );
    }

    private KernelCheckResult Loss()
    {
        int batch = size.Batch,
            classes = size.Classes;
        var logits = harness.RandomData(batch * classes, 3f);
        var targets = Enumerable.Range(0, batch).Select(_ => harness.Random.Next(classes)).ToArray();
        var losses = new double[2];
        var result = Check(
            "softmax-loss",
            GradientTolerance,
            b =>
            {
                var (x, y) = (Upload(b, logits, batch, classes), Ints(b, targets));
                var outputs = new[]
                {
                    Poison(b, batch, classes),
                    Poison(b, batch, classes),
                    Poison(b, batch, classes),
                    Poison(b, batch, classes),
                };
                int slot = b == harness.Cpu ? 0 : 1;
                return new Operation(
                    () =>
                    {
                        losses[slot] = b.SoftmaxLoss(x, y, null, LossKind.L1, outputs[0], outputs[1]);
                        losses[slot] += b.SoftmaxLoss(x, y, null, LossKind.CrossEntropy, outputs[2], outputs[3]);
                    },
                    outputs
                );
            }
        );
        double lossError = Math.Abs(losses[1] - losses[0]) / Math.Abs(losses[0]);
        return result with { MaxRelativeError = Math.Max(result.MaxRelativeError, lossError) };
    }

    private KernelCheckResult Adam()
    {
        // About the parameter count of the configured model: 2·(3H·(F + H) + 6H) + 4E² + 4E + 128·(E + 1) + C·129.
        int h = size.Hidden,
            e = 2 * h;
        int n = 2 * (3 * h * (size.Input + h) + 6 * h) + 4 * e * e + 4 * e + 128 * (e + 1) + size.Classes * 129;
        var values = harness.RandomData(n);
        var grads = harness.RandomData(n, 0.01f);
        var m = harness.RandomData(n, 0.001f);
        var v = harness.RandomData(n, 1e-5f).Select(Math.Abs).ToArray();
        var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.01);
        return Check(
            "adam",
            ForwardTolerance,
            b =>
            {
                var (theta, g, ms, vs) = (Upload(b, values, n), Upload(b, grads, n), Upload(b, m, n), Upload(b, v, n));
                return new Operation(() => b.AdamStep(theta, g, ms, vs, settings, 7), [theta, ms, vs]);
            }
        );
    }
}
