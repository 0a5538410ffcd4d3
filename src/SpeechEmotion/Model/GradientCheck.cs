using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;

namespace SpeechEmotion.Model;

/// <summary>One checked tensor: max_i |analytic_i − numeric_i| / max_i |numeric_i| against the tolerance.</summary>
public sealed record GradCheckRow(string Layer, string Tensor, int Elements, double MaxRelativeError, bool Passed);

/// <summary>
/// Finite-difference gradient checks on the float64 CPU backend: central differences (f(x+h) − f(x−h)) / 2h with
/// h = 1e-5 for every element of every parameter tensor and of the input. Layers are checked on the objective
/// L = Σ output ⊙ R (R random, so dL/doutput = R); losses and the whole model on the loss itself. Dropout is on with
/// a fixed seed (the counter-based mask makes it a fixed function). Shapes are random and small: T 2–7, input 8,
/// H 3–8, batch 3 with unequal lengths including 1.
/// </summary>
public static class GradientCheck
{
    public const double Tolerance = 1e-6;
    private const double H = 1e-5;
    private const ulong DropoutSeed = 1234;

    /// <summary>Convolutions of an 8-value frame: over time (K 1, 3, 5: up to 5 reaches past the ends of short
    /// utterances), and over time × bands (2 channels of 4 bands, 3 × 3, stride 2, stored channel- or band-major; 1
    /// channel of 8 bands, 1 × 5, stride 3, whose last position hangs over the top band).</summary>
    public static readonly UnfoldShape[] ConvShapes =
    [
        new(1),
        new(3),
        new(5),
        new(3, Bands: 4, BandKernel: 3, BandStride: 2),
        new(3, Bands: 4, BandKernel: 3, BandStride: 2, FrameLayout.BandMajor),
        new(1, Bands: 8, BandKernel: 5, BandStride: 3),
    ];

    /// <summary>The checks by group: a layer's (named by the kernel ops built on it, <c>KernelOp.Gradients</c>), then
    /// the losses and the whole model.</summary>
    public static readonly IReadOnlyDictionary<string, Func<int, IEnumerable<GradCheckRow>>> Groups = new Dictionary<
        string,
        Func<int, IEnumerable<GradCheckRow>>
    >
    {
        ["gru"] = seed =>
            new[] { GruDirections.Forward, GruDirections.Reverse, GruDirections.Both }.SelectMany(d => Gru(d, seed)),
        ["attention"] = seed => new[] { 1, 2, 4 }.SelectMany(h => Attention(h, seed)),
        ["conv"] = seed => ConvShapes.SelectMany(shape => Conv(shape, seed)),
        ["pooling"] = seed => Pooling(PoolingKind.Mean, seed).Concat(Pooling(PoolingKind.MeanStd, seed)),
        ["input-statistics"] = InputStatistics,
        ["dense"] = Dense,
        ["dropout"] = Dropout,
        ["loss"] = seed =>
            new[] { false, true }
                .SelectMany(masked => Loss(LossKind.L1, seed, masked).Concat(Loss(LossKind.CrossEntropy, seed, masked)))
                .Concat(RegressionLoss(seed)),
        ["model"] = seed =>
            EndToEnd(true, LossKind.L1, seed)
                .Concat(EndToEnd(false, LossKind.CrossEntropy, seed))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, convChannels: 5))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, convChannels: 3, convBandKernel: 3))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, convChannels: 3, convBandKernel: 3, convLayers: 2))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, pooling: PoolingKind.MeanStd))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, inputStatistics: true))
                .Concat(EndToEnd(true, LossKind.CrossEntropy, seed, mixupLambda: 0.3))
                .Concat(EndToEnd(false, LossKind.L1, seed, mixupLambda: 0.6, classMask: true)),
        ["functionals"] = seed => Functionals(0, LossKind.CrossEntropy, seed).Concat(Functionals(6, LossKind.L1, seed)),
    };

    public static IEnumerable<GradCheckRow> All(int seed) => Groups.Values.SelectMany(group => group(seed));

    public static List<GradCheckRow> Gru(GruDirections directions, int seed)
    {
        var s = new Setup(seed);
        int hidden = s.Random.Next(3, 9);
        var layer = new GruLayer<double>(s.Backend, s.Parameters, "gru", 8, hidden, directions);
        return s.CheckLayer($"gru ({directions.ToString().ToLowerInvariant()}, H {hidden}, T {s.Steps})", layer, 8);
    }

    public static List<GradCheckRow> Attention(int heads, int seed)
    {
        var s = new Setup(seed);
        var layer = new AttentionLayer<double>(s.Backend, s.Parameters, "attention", 8, heads, 0.25f);
        return s.CheckLayer($"attention ({heads} heads, T {s.Steps})", layer, 8);
    }

    /// <summary>Convolution + ReLU, 8 inputs → 6 channels.</summary>
    public static List<GradCheckRow> Conv(UnfoldShape shape, int seed)
    {
        var s = new Setup(seed);
        var layer = new ConvLayer<double>(s.Backend, s.Parameters, "conv", 8, 6, shape);
        return s.CheckLayer($"conv ({shape}, T {s.Steps})", layer, 8);
    }

    /// <summary>Checks any layer built on the given backend and parameter set (input [B, T, width], or [B,
    /// width]).</summary>
    public static List<GradCheckRow> Layer(
        string name,
        Func<CpuBackend<double>, ParameterSet<double>, ILayer<double>> build,
        int width,
        bool perUtterance,
        int seed
    )
    {
        var s = new Setup(seed);
        return s.CheckLayer(name, build(s.Backend, s.Parameters), width, perUtterance);
    }

    public static List<GradCheckRow> Pooling(PoolingKind kind, int seed)
    {
        var s = new Setup(seed);
        return s.CheckLayer($"pooling ({kind}, T {s.Steps})", new PoolingLayer<double>(s.Backend, 8, kind), 8);
    }

    /// <summary>Input statistics beside a pooled [B, 8] vector: the pooled part's gradient passes through, the features
    /// get none.</summary>
    public static List<GradCheckRow> InputStatistics(int seed)
    {
        var s = new Setup(seed);
        var features = s.RandomTensor(s.Batch, s.Steps, 5);
        return s.CheckLayer(
            $"input statistics (T {s.Steps})",
            new InputStatisticsLayer<double>(s.Backend, 8, 5, () => features),
            8,
            perUtterance: true
        );
    }

    public static List<GradCheckRow> Dense(int seed)
    {
        var s = new Setup(seed);
        return s.CheckLayer(
            "fc+relu",
            new DenseLayer<double>(s.Backend, s.Parameters, "fc", 8, 5, relu: true),
            8,
            perUtterance: true
        );
    }

    public static List<GradCheckRow> Dropout(int seed)
    {
        var s = new Setup(seed);
        return s.CheckLayer("dropout (p 0.3)", new DropoutLayer<double>(s.Backend, 0.3f, 2), 8, perUtterance: true);
    }

    /// <summary>Softmax + loss on logits [3, 5] with row weights, over all classes or each row's random class mask
    /// (L1 never sits on its kink: an included class's softmax is never exactly 0 or 1 unless it is alone).</summary>
    public static List<GradCheckRow> Loss(LossKind kind, int seed, bool masked = false)
    {
        var s = new Setup(seed);
        const int classes = 5;
        var logits = s.RandomTensor(s.Batch, classes);
        int[] ys = [.. Enumerable.Range(0, s.Batch).Select(_ => s.Random.Next(classes))];
        var targets = s.Ints(ys);
        var mask = masked ? s.Ints(RandomMasks(s.Random, classes, ys)) : null;
        var weights = s.RandomTensor(s.Batch);
        s.Backend.Upload(Enumerable.Range(0, s.Batch).Select(_ => 0.5 + s.Random.NextDouble()).ToArray(), weights);
        var probs = s.Backend.Allocate(s.Batch, classes);
        var grad = s.Backend.Allocate(s.Batch, classes);
        double Objective() => s.Backend.SoftmaxLoss(logits, targets, weights, mask, kind, probs, grad);
        string name = (kind == LossKind.L1 ? "softmax+l1" : "softmax+ce") + (masked ? ", class mask" : "");
        return s.Compare(
            name,
            [],
            logits,
            Objective,
            () =>
            {
                Objective();
                return grad;
            }
        );
    }

    /// <summary>range·tanh head + L1 on scores in [−3, 3] (targets kept away from the predictions, off the
    /// kink).</summary>
    public static List<GradCheckRow> RegressionLoss(int seed)
    {
        var s = new Setup(seed);
        var outputs = s.RandomTensor(s.Batch);
        var targets = s.RandomTensor(s.Batch);
        s.Backend.Upload(Enumerable.Range(0, s.Batch).Select(b => b % 2 == 0 ? 2.9 : -2.9).ToArray(), targets);
        var predictions = s.Backend.Allocate(s.Batch);
        var grad = s.Backend.Allocate(s.Batch);
        double Objective() => s.Backend.RegressionLoss(outputs, targets, 3, predictions, grad);
        return s.Compare(
            "tanh+l1 regression",
            [],
            outputs,
            Objective,
            () =>
            {
                Objective();
                return grad;
            }
        );
    }

    /// <summary>A class mask per row: the row's targets and a random half of the other classes.</summary>
    private static int[] RandomMasks(Random random, int classes, params int[][] targets) =>
        [
            .. Enumerable
                .Range(0, targets[0].Length)
                .Select(b => targets.Aggregate(random.Next(1 << classes), (mask, ys) => mask | 1 << ys[b])),
        ];

    public static List<GradCheckRow> EndToEnd(
        bool attention,
        LossKind loss,
        int seed,
        int convChannels = 0,
        PoolingKind pooling = PoolingKind.Mean,
        bool inputStatistics = false,
        int convBandKernel = 0,
        int convLayers = 1,
        double mixupLambda = 0,
        bool classMask = false
    )
    {
        var s = new Setup(seed);
        int hidden = 2 * s.Random.Next(2, 5);
        var config = new ModelConfig
        {
            InputSize = 8,
            ConvChannels = convChannels,
            ConvKernel = 3,
            ConvBandKernel = convBandKernel,
            ConvLayers = convLayers,
            Hidden = hidden,
            Heads = 2,
            UseAttention = attention,
            Pooling = pooling,
            InputStatistics = inputStatistics,
            FcSize = 6,
            Classes = 4,
            Loss = loss,
        };
        using var model = new SerModel<double>(s.Backend, config, seed);
        var input = s.RandomTensor(s.Batch, s.Steps, 8);
        int[] ys = [.. Enumerable.Range(0, s.Batch).Select(_ => s.Random.Next(config.Classes))];
        var targets = s.Ints(ys);
        // With mixupLambda > 0 the objective is mixup's loss against a second, random target set (checks
        // SerModel.MixedLoss).
        int[] partnerYs = [.. Enumerable.Range(0, s.Batch).Select(_ => s.Random.Next(config.Classes))];
        var partnerTargets = s.Ints(partnerYs);
        // With classMask each row's softmax runs over its targets' classes and a random part of the others.
        var mask = classMask ? s.Ints(RandomMasks(s.Random, config.Classes, ys, partnerYs)) : null;
        double Loss(out Tensor<double> d)
        {
            var logits = model.Forward(input, s.Context);
            return mixupLambda > 0
                ? model.MixedLoss(logits, targets, partnerTargets, mixupLambda, null, null, mask, out d)
                : model.Loss(logits, targets, null, mask, out d);
        }
        double Objective() => Loss(out _);
        Tensor<double>? Analytic()
        {
            model.Parameters.ZeroGrads();
            Loss(out var d);
            model.Backward(d);
            return null;
        }
        string name =
            $"model ({config.Architecture}, {loss}{(mixupLambda > 0 ? $", mixup λ {mixupLambda}" : "")}"
            + $"{(classMask ? ", class mask" : "")}, T {s.Steps})";
        return s.Compare(name, model.Parameters.All, null, Objective, Analytic);
    }

    /// <summary>The functionals baseline end to end: one row per utterance (T = 1), linear or with a hidden
    /// layer.</summary>
    public static List<GradCheckRow> Functionals(int fcSize, LossKind loss, int seed)
    {
        var s = new Setup(seed);
        var config = new ModelConfig
        {
            Features = Features.FeatureKind.Functionals,
            InputSize = 9,
            FcSize = fcSize,
            Classes = 4,
            Loss = loss,
        };
        using var model = new SerModel<double>(s.Backend, config, seed);
        var input = s.RandomTensor(s.Batch, 1, config.InputSize);
        var targets = s.Ints(Enumerable.Range(0, s.Batch).Select(_ => s.Random.Next(config.Classes)).ToArray());
        int[] ones = [.. Enumerable.Repeat(1, s.Batch)];
        var context = new BatchContext(ones, s.Ints(ones), 1, Training: true, DropoutSeed, Step: 3);
        double Objective() => model.Loss(model.Forward(input, context), targets, null, null, out _);
        Tensor<double>? Analytic()
        {
            model.Parameters.ZeroGrads();
            model.Loss(model.Forward(input, context), targets, null, null, out var d);
            model.Backward(d);
            return null;
        }
        return s.Compare($"model ({config.Architecture}, {loss})", model.Parameters.All, null, Objective, Analytic);
    }

    /// <summary>A small random problem on a fresh float64 CPU backend.</summary>
    private sealed class Setup
    {
        public Setup(int seed)
        {
            Random = new Random(seed);
            Parameters = new ParameterSet<double>(Backend);
            Steps = Random.Next(2, 8);
            int[] lengths = [Steps, 1, Random.Next(1, Steps + 1)];
            Random.Shuffle(lengths);
            Context = new BatchContext(lengths, Ints(lengths), Steps, Training: true, DropoutSeed, Step: 3);
        }

        public CpuBackend<double> Backend { get; } = new();
        public Random Random { get; }
        public ParameterSet<double> Parameters { get; }
        public int Steps { get; }
        public int Batch => 3;
        public BatchContext Context { get; }

        public Tensor<int> Ints(int[] values)
        {
            var t = Backend.AllocateInts(values.Length);
            Backend.Upload(values, t);
            return t;
        }

        public Tensor<double> RandomTensor(params int[] shape)
        {
            var t = Backend.Allocate(shape);
            Backend.Upload(Enumerable.Range(0, t.Length).Select(_ => Random.NextDouble() * 2 - 1).ToArray(), t);
            return t;
        }

        /// <summary>Objective Σ output ⊙ R over a layer whose input is [B, T, width] (or [B, width] per
        /// utterance).</summary>
        public List<GradCheckRow> CheckLayer(string name, ILayer<double> layer, int width, bool perUtterance = false)
        {
            Parameters.Build(Random.Next());
            var input = perUtterance ? RandomTensor(Batch, width) : RandomTensor(Batch, Steps, width);
            var probe = layer.Forward(input, Context);
            var r = RandomTensor(probe.Shape);
            var rs = ((CpuTensor<double>)r).Span.ToArray();
            double Objective()
            {
                var y = ((CpuTensor<double>)layer.Forward(input, Context)).Span;
                double sum = 0;
                for (int i = 0; i < y.Length; i++)
                    sum += y[i] * rs[i];
                return sum;
            }
            Tensor<double>? Analytic()
            {
                Parameters.ZeroGrads();
                layer.Forward(input, Context);
                return layer.Backward(r);
            }
            return Compare(name, layer.Parameters, input, Objective, Analytic);
        }

        public List<GradCheckRow> Compare(
            string name,
            IReadOnlyList<Parameter<double>> parameters,
            Tensor<double>? input,
            Func<double> objective,
            Func<Tensor<double>?> analytic
        )
        {
            var dInput = analytic();
            var rows = new List<GradCheckRow>();
            var targets = parameters
                .Select(p => (p.Name, Value: p.Value, Grad: ((CpuTensor<double>)p.Grad).Span.ToArray()))
                .ToList();
            if (input is not null)
                targets.Add(
                    (
                        "input",
                        input,
                        dInput is null
                            ? throw new InvalidOperationException($"{name} returned no input gradient")
                            : ((CpuTensor<double>)dInput).Span.ToArray()
                    )
                );
            foreach (var (tensorName, value, grad) in targets)
            {
                var cpu = (CpuTensor<double>)value;
                double worstDiff = 0,
                    scale = 0;
                for (int i = 0; i < cpu.Length; i++)
                {
                    double saved = cpu.Array[cpu.Offset + i];
                    cpu.Array[cpu.Offset + i] = saved + H;
                    double plus = objective();
                    cpu.Array[cpu.Offset + i] = saved - H;
                    double minus = objective();
                    cpu.Array[cpu.Offset + i] = saved;
                    double numeric = (plus - minus) / (2 * H);
                    worstDiff = Math.Max(worstDiff, Math.Abs(numeric - grad[i]));
                    scale = Math.Max(scale, Math.Abs(numeric));
                }
                // +∞, not NaN, for a NaN gradient: NaN compares as "small" in test frameworks (NUnit orders it below
                // every number).
                double error =
                    double.IsNaN(worstDiff) || double.IsNaN(scale) ? double.PositiveInfinity
                    : scale > 0 ? worstDiff / scale
                    : worstDiff;
                rows.Add(
                    new GradCheckRow(name, tensorName, cpu.Length, error, error <= Tolerance && double.IsFinite(error))
                );
            }
            return rows;
        }
    }
}
