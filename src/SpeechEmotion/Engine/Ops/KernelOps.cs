namespace SpeechEmotion.Engine.Ops;

/// <summary>
/// Every op with a kernel, in the order `ser doctor` lists them (the files KernelOps.*.cs hold one family each).
/// Tolerances are relative to the largest reference value of each output: forward 1e-5; backward and the recurrence
/// 1e-4 (the recurrence carries each step's float rounding into the next, so two correct float implementations drift
/// apart with the length: 2e-7 at 7 steps, 9.0e-6 at 300 on an H200, too close to 1e-5 for a check users run); front
/// ends with pitch 1e-4 (the CPU sums YIN's lag products in float, the kernel in double, and the parabolic refinement
/// of the lag amplifies the difference in log F0's Δ and ΔΔ: 2.7e-5 on a clean glide, ilgpu-cpu); GEMMs in TF32
/// against the fp32 reference 1e-3 (each input keeps 11 significant bits, relative error ≤ 2⁻¹¹; measured 2.5e-4
/// to 3.5e-4 on ilgpu-cpu's emulation).
/// </summary>
public static partial class KernelOps
{
    public const double ForwardTolerance = 1e-5,
        GradientTolerance = 1e-4,
        RecurrentTolerance = 1e-4,
        PitchTolerance = 1e-4,
        Tf32Tolerance = 1e-3;

    public static IReadOnlyList<KernelOp> All =>
        [
            FrontEndLinear,
            FrontEndMel,
            FrontEndUtterance,
            Gemm,
            GemmBackward,
            GruForward,
            GruBackward,
            AttentionForward,
            AttentionBackward,
            Unfold,
            Pooling,
            CopyColumns,
            SoftmaxLoss,
            Adam,
        ];

    public static KernelOp Get(string name) =>
        All.FirstOrDefault(op => op.Name == name)
        ?? throw new ArgumentException(
            $"unknown op '{name}' (expected one of {string.Join(", ", All.Select(op => op.Name))})"
        );

    /// <summary>The GRU input projection X·W_ihᵀ ([B·T, F] · [3H, F]ᵀ).</summary>
    public static KernelOp Gemm =>
        new(
            "gemm",
            "CpuBackend.Gemm.cs · Gemm.cs, GemmTf32.cs · DenseLayer.cs",
            ForwardTolerance,
            s => 2.0 * s.Batch * s.Steps * 3 * s.Hidden * s.Input,
            data =>
            {
                var (m, n, k) = (data.Shape.Batch * data.Shape.Steps, 3 * data.Shape.Hidden, data.Shape.Input);
                var (x, w) = (data.Uniform(m * k), data.Uniform(n * k, 0.1f));
                return b =>
                {
                    var (xa, wa, c) = (b.In(x, m, k), b.In(w, n, k), b.Out(m, n));
                    return b.Launch(() => b.Backend.Gemm(xa, false, wa, true, c, m, n, k, 1f, 0f), c);
                };
            },
            Gradients: "dense",
            OnGemm: true
        );

    /// <summary>Its weight gradient dGiᵀ·X ([B·T, 3H]ᵀ · [B·T, F]): the transposed-A variant, summing over
    /// B·T.</summary>
    public static KernelOp GemmBackward =>
        Gemm with
        {
            Name = "gemm-backward",
            Tolerance = GradientTolerance,
            Prepare = data =>
            {
                var (m, n, k) = (data.Shape.Batch * data.Shape.Steps, 3 * data.Shape.Hidden, data.Shape.Input);
                var (dGi, x) = (data.Uniform(m * n), data.Uniform(m * k));
                return b =>
                {
                    var (da, xa, c) = (b.In(dGi, m, n), b.In(x, m, k), b.Out(n, k));
                    return b.Launch(() => b.Backend.Gemm(da, true, xa, false, c, n, k, m, 1f, 0f), c);
                };
            },
        };

    /// <summary>The convolution front end's im2col and its adjoint: over 5 frames (Conv1d), over 3 frames × 3 bands
    /// with band stride 2 (Conv2d, the input as one channel of bands), and the same over two channels stored band-major
    /// (a second 2-D layer reading the first one's output). Pure data movement.</summary>
    public static KernelOp Unfold =>
        new(
            "unfold",
            "CpuBackend.Unfold.cs · Unfold.cs · ConvLayer.cs",
            ForwardTolerance,
            _ => double.NaN,
            data =>
            {
                var (batch, steps, f) = (data.Shape.Batch, data.Shape.Steps, data.Shape.Input);
                (UnfoldShape Shape, int Width)[] cases =
                [
                    (new(5), f),
                    (new(3, Bands: f, BandKernel: 3, BandStride: 2), f),
                    (new(3, Bands: f, BandKernel: 3, BandStride: 2, FrameLayout.BandMajor), 2 * f),
                ];
                var lengths = data.Lengths();
                var x = cases.Select(c => data.Uniform(batch * steps * c.Width)).ToArray();
                var dCols = cases.Select(c => data.Uniform(batch * steps * c.Shape.FrameColumns(c.Width))).ToArray();
                return b =>
                {
                    var lens = b.Ints(lengths);
                    var xs = cases.Select((c, i) => b.In(x[i], batch, steps, c.Width)).ToArray();
                    var g = cases
                        .Select((c, i) => b.In(dCols[i], batch, steps, c.Shape.FrameColumns(c.Width)))
                        .ToArray();
                    var cols = cases.Select(c => b.Out(batch, steps, c.Shape.FrameColumns(c.Width))).ToArray();
                    var dx = cases.Select(c => b.Out(batch, steps, c.Width)).ToArray();
                    return b.Launch(
                        () =>
                        {
                            for (int i = 0; i < cases.Length; i++)
                            {
                                b.Backend.Unfold(xs[i], lens, cases[i].Shape, cols[i]);
                                b.Backend.UnfoldBackward(g[i], lens, cases[i].Shape, dx[i]);
                            }
                        },
                        [.. cols, .. dx]
                    );
                };
            },
            Gradients: "conv"
        );

    /// <summary>Masked mean pooling and mean + standard deviation pooling over the valid frames, and their
    /// gradients.</summary>
    public static KernelOp Pooling =>
        new(
            "pooling",
            "CpuBackend.Pooling.cs · Pooling.cs · PoolingLayer.cs",
            ForwardTolerance,
            s => 8.0 * s.Batch * s.Steps * s.Embed,
            data =>
            {
                var (batch, steps, e) = (data.Shape.Batch, data.Shape.Steps, data.Shape.Embed);
                var lengths = data.Lengths();
                var (x, dy, dStats) = (
                    data.Uniform(batch * steps * e),
                    data.Uniform(batch * e),
                    data.Uniform(batch * 2 * e)
                );
                return b =>
                {
                    var (lens, xs, g, ds) = (
                        b.Ints(lengths),
                        b.In(x, batch, steps, e),
                        b.In(dy, batch, e),
                        b.In(dStats, batch, 2 * e)
                    );
                    var (y, dx, stats, dxStats) = (
                        b.Out(batch, e),
                        b.Out(batch, steps, e),
                        b.Out(batch, 2 * e),
                        b.Out(batch, steps, e)
                    );
                    var backend = b.Backend;
                    return b.Launch(
                        () =>
                        {
                            backend.MaskedMeanPool(xs, lens, y);
                            backend.MaskedMeanPoolBackward(g, lens, dx);
                            backend.StatisticsPool(xs, lens, stats);
                            backend.StatisticsPoolBackward(ds, xs, stats, lens, dxStats);
                        },
                        y,
                        dx,
                        stats,
                        dxStats
                    );
                };
            },
            Gradients: "pooling"
        );

    /// <summary>The concatenation of `--input-stats` (pooled [B, 2E] beside input statistics [B, 2F]) and its
    /// gradient.</summary>
    public static KernelOp CopyColumns =>
        new(
            "copy-columns",
            "CpuBackend.Columns.cs · Columns.cs · InputStatisticsLayer.cs",
            ForwardTolerance,
            _ => double.NaN,
            data =>
            {
                var (batch, e, f) = (data.Shape.Batch, data.Shape.Embed, 2 * data.Shape.Input);
                int width = e + f;
                var (left, right, dy) = (data.Uniform(batch * e), data.Uniform(batch * f), data.Uniform(batch * width));
                return b =>
                {
                    var (l, r, g) = (b.In(left, batch, e), b.In(right, batch, f), b.In(dy, batch, width));
                    var (y, dl) = (b.Out(batch, width), b.Out(batch, e));
                    return b.Launch(
                        () =>
                        {
                            b.Backend.CopyColumns(l, 0, y, 0, e);
                            b.Backend.CopyColumns(r, 0, y, e, f);
                            b.Backend.CopyColumns(g, 0, dl, 0, e);
                        },
                        y,
                        dl
                    );
                };
            },
            Gradients: "input-statistics"
        );

    /// <summary>Softmax with the L1 and the cross-entropy loss, unweighted over all classes, and with row weights
    /// over each row's random class mask (its target and about half of the others): the gradients, probabilities and
    /// the loss itself (an output of one element).</summary>
    public static KernelOp SoftmaxLoss =>
        new(
            "softmax-loss",
            "CpuBackend.Losses.cs · Losses.cs · SerModel.cs",
            GradientTolerance,
            s => 4 * 10.0 * s.Batch * s.Classes,
            data =>
            {
                var (batch, classes) = (data.Shape.Batch, data.Shape.Classes);
                var logits = data.Uniform(batch * classes, 3f);
                var targets = Enumerable.Range(0, batch).Select(_ => data.Random.Next(classes)).ToArray();
                var masks = targets.Select(t => data.Random.Next(1 << classes) | 1 << t).ToArray();
                var weights = data.Uniform(batch, 0.5f).Select(v => 1 + v).ToArray();
                return b =>
                {
                    var (x, y, m, w) = (
                        b.In(logits, batch, classes),
                        b.Ints(targets),
                        b.Ints(masks),
                        b.In(weights, batch)
                    );
                    Tensor<float>[] outputs = [.. Enumerable.Range(0, 8).Select(_ => b.Out(batch, classes))];
                    var loss = b.Out(1);
                    var backend = b.Backend;
                    return b.Launch(
                        () =>
                        {
                            double sum = 0;
                            var runs = new (Tensor<float>? Weights, Tensor<int>? Mask, int At)[]
                            {
                                (null, null, 0),
                                (w, m, 4),
                            };
                            foreach (var (rowWeights, mask, at) in runs)
                            {
                                sum += backend.SoftmaxLoss(
                                    x,
                                    y,
                                    rowWeights,
                                    mask,
                                    LossKind.L1,
                                    outputs[at],
                                    outputs[at + 1]
                                );
                                sum += backend.SoftmaxLoss(
                                    x,
                                    y,
                                    rowWeights,
                                    mask,
                                    LossKind.CrossEntropy,
                                    outputs[at + 2],
                                    outputs[at + 3]
                                );
                            }
                            backend.Upload([(float)sum], loss);
                        },
                        [.. outputs, loss]
                    );
                };
            },
            Gradients: "loss"
        );

    /// <summary>One AdamW step over a parameter arena the size of the configured model.</summary>
    public static KernelOp Adam =>
        new(
            "adam",
            "CpuBackend.Adam.cs · Adam.cs · AdamOptimizer.cs",
            ForwardTolerance,
            s => 12.0 * s.Parameters,
            data =>
            {
                int n = data.Shape.Parameters;
                var (values, grads, m) = (data.Uniform(n), data.Uniform(n, 0.01f), data.Uniform(n, 0.001f));
                var v = data.Uniform(n, 1e-5f).Select(Math.Abs).ToArray();
                var settings = new AdamSettings(LearningRate: 1e-3, WeightDecay: 0.01);
                return b =>
                {
                    var (theta, g, ms, vs) = (b.InOut(values, n), b.In(grads, n), b.InOut(m, n), b.InOut(v, n));
                    return b.Launch(() => b.Backend.AdamStep(theta, g, ms, vs, settings, 7), theta, ms, vs);
                };
            }
        );
}
