namespace SpeechEmotion.Engine.Ops;

// The Bi-GRU recurrence: both directions in one call into one [B, T, 2H] output; each direction's caches (gates,
// previous states) are outputs too. FLOPs D·B·T·(6H² + 20H) each way (D = 2 directions: the 3H × H recurrent
// product, 6H², and about 20 per unit for the gates).
public static partial class KernelOps
{
    public static KernelOp GruForward =>
        new(
            "gru-forward",
            "CpuBackend.Gru.cs · Gru.cs, GruTiled.cs · GruLayer.cs",
            RecurrentTolerance,
            GruFlops,
            data =>
            {
                var gru = new GruInputs(data);
                return b =>
                {
                    var (lens, output, dirs) = (b.Ints(gru.Lengths), b.Out(gru.Batch, gru.Steps, 2 * gru.H), gru.On(b));
                    return b.Launch(
                        () => b.Backend.GruForward(dirs, lens, output),
                        [output, .. dirs.SelectMany(d => new[] { d.Gates, d.Hprev })]
                    );
                };
            },
            Gradients: "gru"
        );

    /// <summary>Backward from caches the CPU reference produced, so that only the backward kernel is
    /// compared.</summary>
    public static KernelOp GruBackward =>
        GruForward with
        {
            Name = "gru-backward",
            Tolerance = GradientTolerance,
            Prepare = data =>
            {
                var gru = new GruInputs(data);
                var dOut = data.Uniform(gru.Batch * gru.Steps * 2 * gru.H);
                var cpu = new LaunchBuilder(data.Cpu);
                var reference = gru.On(cpu);
                data.Cpu.GruForward(reference, cpu.Ints(gru.Lengths), cpu.Out(gru.Batch, gru.Steps, 2 * gru.H));
                var caches = reference.Select(d => (Gates: Host(data, d.Gates), Prev: Host(data, d.Hprev))).ToArray();
                return b =>
                {
                    var (lens, d, dirs) = (
                        b.Ints(gru.Lengths),
                        b.In(dOut, gru.Batch, gru.Steps, 2 * gru.H),
                        gru.On(b, caches)
                    );
                    return b.Launch(
                        () => b.Backend.GruBackward(d, dirs, lens),
                        [.. dirs.SelectMany(x => new[] { x.DGi!, x.DGh! })]
                    );
                };
            },
        };

    private static double GruFlops(OpShape s) => 2.0 * s.Batch * s.Steps * (6.0 * s.Hidden * s.Hidden + 20 * s.Hidden);

    private static float[] Host(OpData data, Tensor<float> t)
    {
        var host = new float[t.Length];
        data.Cpu.Download(t, host);
        return host;
    }

    /// <summary>The host inputs of both directions: input projections, W_hh (scaled 1/√H), b_hh.</summary>
    private sealed class GruInputs(OpData data)
    {
        public readonly int Batch = data.Shape.Batch,
            Steps = data.Shape.Steps,
            H = data.Shape.Hidden;
        public readonly int[] Lengths = data.Lengths();
        private readonly float[] _gi = data.Uniform(data.Shape.Batch * data.Shape.Steps * 3 * data.Shape.Hidden),
            _whh = data.Uniform(3 * data.Shape.Hidden * data.Shape.Hidden, 1f / MathF.Sqrt(data.Shape.Hidden)),
            _bhh = data.Uniform(3 * data.Shape.Hidden, 0.1f);

        /// <summary>Forward (column 0) and reverse (column H) on <paramref name="b"/>; the caches poisoned, or uploaded
        /// from <paramref name="caches"/>; the gradients poisoned.</summary>
        public GruDirection<float>[] On(LaunchBuilder b, (float[] Gates, float[] Prev)[]? caches = null) =>
            [
                .. new[] { false, true }.Select(
                    (reverse, d) =>
                        new GruDirection<float>(
                            reverse,
                            d * H,
                            b.In(_gi, Batch, Steps, 3 * H),
                            b.In(_whh, 3 * H, H),
                            b.In(_bhh, 3 * H),
                            caches is null ? b.Out(Batch, Steps, 4 * H) : b.In(caches[d].Gates, Batch, Steps, 4 * H),
                            caches is null ? b.Out(Batch, Steps, H) : b.In(caches[d].Prev, Batch, Steps, H),
                            b.Out(Batch, Steps, 3 * H),
                            b.Out(Batch, Steps, 3 * H)
                        )
                ),
            ];
    }
}
