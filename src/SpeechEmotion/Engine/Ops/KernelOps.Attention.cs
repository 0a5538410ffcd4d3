namespace SpeechEmotion.Engine.Ops;

// Scaled dot-product multi-head attention over the packed Q|K|V projections [B, T, 3E], with dropout on the
// probabilities. FLOPs 4·B·h·T²·d forward (scores and context), 8·B·h·T²·d backward; d = E / h.
public static partial class KernelOps
{
    public static KernelOp AttentionForward =>
        new(
            "attention-forward",
            "CpuBackend.Attention.cs · Attention.cs · AttentionLayer.cs",
            ForwardTolerance,
            s => 4.0 * s.Batch * s.Steps * s.Steps * s.Embed,
            data =>
            {
                var (batch, steps, e, heads) = (data.Shape.Batch, data.Shape.Steps, data.Shape.Embed, data.Shape.Heads);
                var lengths = data.Lengths();
                var qkv = data.Uniform(batch * steps * 3 * e);
                var dropout = new DropoutSpec(0.2f, (ulong)data.Seed, 1, 1);
                return b =>
                {
                    var (lens, x) = (b.Ints(lengths), b.In(qkv, batch, steps, 3 * e));
                    var (probs, context) = (b.Out(batch, heads, steps, steps), b.Out(batch, steps, e));
                    return b.Launch(
                        () => b.Backend.AttentionForward(x, lens, heads, dropout, probs, context),
                        probs,
                        context
                    );
                };
            },
            Gradients: "attention",
            OnGemm: true
        );

    /// <summary>Backward from the probabilities the CPU reference produced.</summary>
    public static KernelOp AttentionBackward =>
        AttentionForward with
        {
            Name = "attention-backward",
            Tolerance = GradientTolerance,
            Flops = s => 8.0 * s.Batch * s.Steps * s.Steps * s.Embed,
            Prepare = data =>
            {
                var (batch, steps, e, heads) = (data.Shape.Batch, data.Shape.Steps, data.Shape.Embed, data.Shape.Heads);
                var lengths = data.Lengths();
                var qkv = data.Uniform(batch * steps * 3 * e);
                var dContext = data.Uniform(batch * steps * e);
                var dropout = new DropoutSpec(0.2f, (ulong)data.Seed, 1, 1);
                var cpu = new LaunchBuilder(data.Cpu);
                var cpuProbs = data.Cpu.Allocate(batch, heads, steps, steps);
                data.Cpu.AttentionForward(
                    cpu.In(qkv, batch, steps, 3 * e),
                    cpu.Ints(lengths),
                    heads,
                    dropout,
                    cpuProbs,
                    data.Cpu.Allocate(batch, steps, e)
                );
                var probs = Host(data, cpuProbs);
                return b =>
                {
                    var (lens, x, p, g) = (
                        b.Ints(lengths),
                        b.In(qkv, batch, steps, 3 * e),
                        b.In(probs, batch, heads, steps, steps),
                        b.In(dContext, batch, steps, e)
                    );
                    var dQkv = b.Out(batch, steps, 3 * e);
                    return b.Launch(() => b.Backend.AttentionBackward(g, x, p, lens, heads, dropout, dQkv), dQkv);
                };
            },
        };
}
