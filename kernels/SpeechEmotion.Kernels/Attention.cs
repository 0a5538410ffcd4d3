using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape of one attention launch.</summary>
public readonly record struct AttentionArgs(int Steps, int Embed, int Heads, int HeadSize, float Scale);

// Multi-head attention core (formulas in CpuBackend.Attention.cs) as batched GEMMs, one product per (utterance, head)
// on strided views of the QKV rows, around two row kernels (one warp per row (b, head, i), lanes along the keys):
//   forward:  S = s·Q·Kᵀ → probs; softmax over the row's first len keys (padded queries and keys get 0), P̃ = P ⊙ m
//             (dropout); context = P̃·V.
//   backward: dP̃ = dC·Vᵀ; row kernel: dS = s·P ⊙ (m ⊙ dP̃ − Σ_k P_k m_k dP̃_k) and P̃ again from P and the same mask;
//             dV = P̃ᵀ·dC, dQ = dS·K, dK = dSᵀ·Q.
// Masking lives in the row kernels alone: zero rows and columns of P (and so of P̃ and dS) zero the padded outputs of
// every product. FLOPs 4·B·h·T²·d forward, 8·B·h·T²·d backward (the ops attention-*,
// Engine/Ops/KernelOps.Attention.cs).
public sealed partial class IlgpuBackend
{
    private const int Warp = 32;

    private Action<
        KernelConfig,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<int>,
        AttentionArgs,
        DropoutSpec
    >? _softmaxRows;
    private Action<
        KernelConfig,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        AttentionArgs,
        DropoutSpec
    >? _softmaxBackwardRows;

    public void AttentionForward(
        Tensor<float> qkv,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<float> probs,
        Tensor<float> context
    )
    {
        var a = Args(qkv, heads);
        int batch = lengths.Length,
            pairs = batch * heads,
            t = a.Steps;
        CheckLength(probs, pairs * t * t, "attention probs");
        var (q, k, v, p, c) = AttentionStrides(a);
        GemmBatched(
            D(qkv),
            D(qkv),
            D(probs),
            Strided(
                m: t,
                n: t,
                k: a.HeadSize,
                transA: false,
                transB: true,
                alpha: a.Scale,
                lda: 3 * a.Embed,
                ldb: 3 * a.Embed,
                ldc: t,
                heads: heads,
                aStarts: q,
                bStarts: k,
                cStarts: p
            ),
            pairs
        );
        var dropped = dropout.P > 0f ? Scratch("attention-dropped", pairs * t * t).Data : D(probs);
        _softmaxRows ??= Accelerator.LoadStreamKernel<
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<int>,
            AttentionArgs,
            DropoutSpec
        >(SoftmaxRowsKernel);
        _softmaxRows(new KernelConfig(pairs * t, Warp), D(probs), dropped, D(lengths), a, dropout);
        GemmBatched(
            dropped,
            D(qkv),
            D(context),
            Strided(
                m: t,
                n: a.HeadSize,
                k: t,
                transA: false,
                transB: false,
                alpha: 1f,
                lda: t,
                ldb: 3 * a.Embed,
                ldc: a.Embed,
                heads: heads,
                aStarts: p,
                bStarts: v,
                cStarts: c
            ),
            pairs
        );
    }

    public void AttentionBackward(
        Tensor<float> dContext,
        Tensor<float> qkv,
        Tensor<float> probs,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<float> dQkv
    )
    {
        var a = Args(qkv, heads);
        int pairs = lengths.Length * heads,
            t = a.Steps,
            e = a.Embed,
            d = a.HeadSize;
        var (q, k, v, p, c) = AttentionStrides(a);
        var dS = Scratch("attention-dS", pairs * t * t).Data;
        var dropped = dropout.P > 0f ? Scratch("attention-dropped", pairs * t * t).Data : D(probs);
        GemmBatched(
            D(dContext),
            D(qkv),
            dS,
            Strided(
                m: t,
                n: t,
                k: d,
                transA: false,
                transB: true,
                alpha: 1f,
                lda: e,
                ldb: 3 * e,
                ldc: t,
                heads: heads,
                aStarts: c,
                bStarts: v,
                cStarts: p
            ),
            pairs
        );
        _softmaxBackwardRows ??= Accelerator.LoadStreamKernel<
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            AttentionArgs,
            DropoutSpec
        >(SoftmaxBackwardRowsKernel);
        _softmaxBackwardRows(new KernelConfig(pairs * t, Warp), D(probs), dS, dropped, a, dropout);
        GemmBatched(
            dropped,
            D(dContext),
            D(dQkv),
            Strided(
                m: t,
                n: d,
                k: t,
                transA: true,
                transB: false,
                alpha: 1f,
                lda: t,
                ldb: e,
                ldc: 3 * e,
                heads: heads,
                aStarts: p,
                bStarts: c,
                cStarts: v
            ),
            pairs
        );
        GemmBatched(
            dS,
            D(qkv),
            D(dQkv),
            Strided(
                m: t,
                n: d,
                k: t,
                transA: false,
                transB: false,
                alpha: 1f,
                lda: t,
                ldb: 3 * e,
                ldc: 3 * e,
                heads: heads,
                aStarts: p,
                bStarts: k,
                cStarts: q
            ),
            pairs
        );
        GemmBatched(
            dS,
            D(qkv),
            D(dQkv),
            Strided(
                m: t,
                n: d,
                k: t,
                transA: true,
                transB: false,
                alpha: 1f,
                lda: t,
                ldb: 3 * e,
                ldc: 3 * e,
                heads: heads,
                aStarts: p,
                bStarts: q,
                cStarts: k
            ),
            pairs
        );
    }

    private static AttentionArgs Args(Tensor<float> qkv, int heads)
    {
        int embed = qkv.Dim(2) / 3;
        if (heads < 1 || embed % heads != 0)
            throw new ArgumentException($"{heads} heads do not divide the embedding size {embed}");
        return new AttentionArgs(qkv.Dim(1), embed, heads, embed / heads, 1f / MathF.Sqrt(embed / heads));
    }

    /// <summary>Where (utterance, head) z starts in Q, K, V (QKV rows [T, 3E]), in a [T, T] probability block and in
    /// the context rows [T, E].</summary>
    private static (GemmStrides Q, GemmStrides K, GemmStrides V, GemmStrides P, GemmStrides C) AttentionStrides(
        AttentionArgs a
    )
    {
        int t = a.Steps,
            e = a.Embed;
        var q = new GemmStrides(0, t * 3 * e, a.HeadSize);
        return (
            q,
            q with
            {
                Offset = e,
            },
            q with
            {
                Offset = 2 * e,
            },
            new GemmStrides(0, a.Heads * t * t, t * t),
            new GemmStrides(0, t * e, a.HeadSize)
        );
    }

    /// <summary>A batched product per (utterance, head): called with named arguments, since attention backward's
    /// correctness hangs on which operand is transposed and where each starts.</summary>
    private static GemmArgs Strided(
        int m,
        int n,
        int k,
        bool transA,
        bool transB,
        float alpha,
        int lda,
        int ldb,
        int ldc,
        int heads,
        GemmStrides aStarts,
        GemmStrides bStarts,
        GemmStrides cStarts
    ) => new(m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, 0f, 1, lda, ldb, ldc, heads, aStarts, bStarts, cStarts);

    private static float WarpMax(float v)
    {
        for (int offset = Warp / 2; offset > 0; offset /= 2)
            v = XMath.Max(v, ILGPU.Warp.ShuffleXor(v, offset));
        return v;
    }

    private static float WarpSum(float v)
    {
        for (int offset = Warp / 2; offset > 0; offset /= 2)
            v += ILGPU.Warp.ShuffleXor(v, offset);
        return v;
    }

    private static float KeepFactor(in DropoutSpec spec, int index) => spec.P > 0f ? Philox.Keep(spec, index) : 1f;

    // Row (b, head, i) of the scores in probs becomes softmax over keys j < len (0 beyond, and 0 for the whole row of
    // a padded query i ≥ len); dropped (when it is not probs itself) gets P ⊙ m.
    private static void SoftmaxRowsKernel(
        ArrayView<float> probs,
        ArrayView<float> dropped,
        ArrayView<int> lengths,
        AttentionArgs a,
        DropoutSpec dropout
    )
    {
        int rowIndex = Grid.IdxX,
            lane = Group.IdxX;
        int i = rowIndex % a.Steps,
            len = lengths[rowIndex / a.Steps / a.Heads],
            row = rowIndex * a.Steps;
        bool separate = dropout.P > 0f;
        int valid = i < len ? len : 0;
        float max = float.NegativeInfinity;
        for (int j = lane; j < valid; j += Warp)
            max = XMath.Max(max, probs[row + j]);
        max = WarpMax(max);
        float sum = 0f;
        for (int j = lane; j < valid; j += Warp)
        {
            float e = XMath.Exp(probs[row + j] - max);
            probs[row + j] = e;
            sum += e;
        }
        float inv = valid > 0 ? 1f / WarpSum(sum) : 0f;
        for (int j = lane; j < a.Steps; j += Warp)
        {
            float pr = j < valid ? probs[row + j] * inv : 0f;
            probs[row + j] = pr;
            if (separate)
                dropped[row + j] = pr * KeepFactor(dropout, row + j);
        }
    }

    // dS holds dP̃ on entry and s·P ⊙ (m ⊙ dP̃ − Σ_k P_k m_k dP̃_k) on exit; dropped (when it is not probs) gets P ⊙ m.
    private static void SoftmaxBackwardRowsKernel(
        ArrayView<float> probs,
        ArrayView<float> dS,
        ArrayView<float> dropped,
        AttentionArgs a,
        DropoutSpec dropout
    )
    {
        int lane = Group.IdxX,
            row = Grid.IdxX * a.Steps;
        bool separate = dropout.P > 0f;
        float dot = 0f;
        for (int j = lane; j < a.Steps; j += Warp)
        {
            float keep = KeepFactor(dropout, row + j),
                pr = probs[row + j],
                dp = keep * dS[row + j];
            dS[row + j] = dp;
            dot += pr * dp;
            if (separate)
                dropped[row + j] = pr * keep;
        }
        dot = WarpSum(dot);
        for (int j = lane; j < a.Steps; j += Warp)
            dS[row + j] = a.Scale * probs[row + j] * (dS[row + j] - dot);
    }
}
