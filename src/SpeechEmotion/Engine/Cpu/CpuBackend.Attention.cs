using System.Buffers;
using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Per batch item b and head h (d = E/heads, s = 1/√d), over valid frames i, j < len:
    //   S = s·Q_h·K_hᵀ, P_i = softmax_j(S_i), P̃_ij = P_ij·keep_ij/(1−p), C_h = P̃·V_h.
    // Padded keys get probability 0 (key-padding mask); padded queries get context 0.
    // Dropout element index: ((b·heads + h)·T + i)·T + j.
    // Both products run through the packed GEMM on strided views of the [T, 3E] QKV rows (no copies), one (b, h)
    // pair per thread.
    public void AttentionForward(
        Tensor<T> qkv,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> probs,
        Tensor<T> context
    )
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length,
            steps = qkv.Dim(1),
            embed = qkv.Dim(2) / 3,
            dk = embed / heads;
        CheckLength(probs, batch * heads * steps * steps, "attention probs");
        CheckLength(context, batch * steps * embed, "attention context");
        var X = Cpu(qkv);
        var Pr = Cpu(probs);
        var Ctx = Cpu(context);
        T scale = T.One / T.Sqrt(T.CreateChecked(dk));
        Parallel.For(
            0,
            batch * heads,
            Options,
            bh =>
            {
                int b = bh / heads,
                    head = bh % heads,
                    len = CheckedLength(lens[b], steps);
                var v = HeadViews(X, b, steps, embed, head * dk);
                var p = new MatrixView<T>(Pr.Array, Pr.Offset + bh * steps * steps, steps);
                var ctx = new MatrixView<T>(Ctx.Array, Ctx.Offset + b * steps * embed + head * dk, embed);
                Pr.Array.AsSpan(p.Offset, steps * steps).Clear();
                for (int i = len; i < steps; i++)
                    ClearRow(ctx, i, dk);
                PackedGemm<T>.Multiply(len, len, dk, scale, v.Q, v.K with { Transposed = true }, T.Zero, p);
                for (int i = 0; i < len; i++)
                {
                    var row = p.Data.AsSpan(p.Offset + i * steps, len);
                    Softmax.Apply<T>(row, row);
                }
                var dropped = dropout.Active ? ArrayPool<T>.Shared.Rent(len * len) : null;
                try
                {
                    var weights = dropped is null
                        ? p
                        : Dropped(p, len, dropout, bh * steps * steps, steps, dropped, keep: null);
                    PackedGemm<T>.Multiply(len, dk, len, T.One, weights, v.V, T.Zero, ctx);
                }
                finally
                {
                    if (dropped is not null)
                        ArrayPool<T>.Shared.Return(dropped);
                }
            }
        );
    }

    // With G_h = dL/dC_h and M = keep/(1−p):
    //   dV_h = P̃ᵀ·G_h,   dP = M ⊙ (G_h·V_hᵀ),   dS_ij = s·P_ij (dP_ij − Σ_k P_ik dP_ik)   (s folded in here),
    //   dQ_h = dS·K_h,   dK_h = dSᵀ·Q_h.
    public void AttentionBackward(
        Tensor<T> dContext,
        Tensor<T> qkv,
        Tensor<T> probs,
        Tensor<int> lengths,
        int heads,
        DropoutSpec dropout,
        Tensor<T> dQkv
    )
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length,
            steps = qkv.Dim(1),
            embed = qkv.Dim(2) / 3,
            dk = embed / heads;
        CheckLength(dQkv, qkv.Length, "attention dQkv");
        var X = Cpu(qkv);
        var Pr = Cpu(probs);
        var G = Cpu(dContext);
        var DX = Cpu(dQkv);
        T scale = T.One / T.Sqrt(T.CreateChecked(dk));
        Parallel.For(
            0,
            batch * heads,
            Options,
            bh =>
            {
                int b = bh / heads,
                    head = bh % heads,
                    len = CheckedLength(lens[b], steps);
                var v = HeadViews(X, b, steps, embed, head * dk);
                var dv = HeadViews(DX, b, steps, embed, head * dk);
                var g = new MatrixView<T>(G.Array, G.Offset + b * steps * embed + head * dk, embed);
                var p = new MatrixView<T>(Pr.Array, Pr.Offset + bh * steps * steps, steps);
                for (int t = len; t < steps; t++)
                {
                    ClearRow(dv.Q, t, dk);
                    ClearRow(dv.K, t, dk);
                    ClearRow(dv.V, t, dk);
                }
                var dP = ArrayPool<T>.Shared.Rent(len * len);
                var dropped = dropout.Active ? ArrayPool<T>.Shared.Rent(len * len) : null;
                var keep = dropout.Active ? ArrayPool<T>.Shared.Rent(len * len) : null;
                try
                {
                    var weights = dropped is null
                        ? p
                        : Dropped(p, len, dropout, bh * steps * steps, steps, dropped, keep);
                    var dPView = new MatrixView<T>(dP, 0, len);
                    PackedGemm<T>.Multiply(len, len, dk, T.One, g, v.V with { Transposed = true }, T.Zero, dPView);
                    PackedGemm<T>.Multiply(len, dk, len, T.One, weights with { Transposed = true }, g, T.Zero, dv.V);
                    for (int i = 0; i < len; i++)
                    {
                        var row = p.Data.AsSpan(p.Offset + i * steps, len);
                        var d = dP.AsSpan(i * len, len);
                        if (keep is not null)
                            TensorPrimitives.Multiply(d, keep.AsSpan(i * len, len), d);
                        T dot = TensorPrimitives.Dot<T>(row, d);
                        TensorPrimitives.Subtract(d, dot, d);
                        TensorPrimitives.Multiply(d, row, d);
                        TensorPrimitives.Multiply(d, scale, d);
                    }
                    PackedGemm<T>.Multiply(len, dk, len, T.One, dPView, v.K, T.Zero, dv.Q);
                    PackedGemm<T>.Multiply(len, dk, len, T.One, dPView with { Transposed = true }, v.Q, T.Zero, dv.K);
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(dP);
                    if (dropped is not null)
                        ArrayPool<T>.Shared.Return(dropped);
                    if (keep is not null)
                        ArrayPool<T>.Shared.Return(keep);
                }
            }
        );
    }

    /// <summary>Head h's Q, K and V as [T, d] views (stride 3E) into item b's rows of a packed QKV tensor.</summary>
    private static (MatrixView<T> Q, MatrixView<T> K, MatrixView<T> V) HeadViews(
        CpuTensor<T> x,
        int b,
        int steps,
        int embed,
        int column
    )
    {
        int at = x.Offset + b * steps * 3 * embed + column;
        return (
            new(x.Array, at, 3 * embed),
            new(x.Array, at + embed, 3 * embed),
            new(x.Array, at + 2 * embed, 3 * embed)
        );
    }

    private static void ClearRow(MatrixView<T> m, int row, int width) =>
        m.Data.AsSpan(m.Offset + row * m.Stride, width).Clear();

    /// <summary>P̃ = P ⊙ keep over the len×len block (into <paramref name="dropped"/>, stride len), the multipliers
    /// into <paramref name="keep"/> when given. Row i's dropout indices start at firstIndex + i·steps.</summary>
    private static MatrixView<T> Dropped(
        MatrixView<T> p,
        int len,
        in DropoutSpec spec,
        int firstIndex,
        int steps,
        T[] dropped,
        T[]? keep
    )
    {
        var buffer = len <= 2048 ? null : new T[len];
        Span<T> mask = buffer ?? stackalloc T[len];
        for (int i = 0; i < len; i++)
        {
            KeepMask(spec, firstIndex + i * steps, mask);
            var row = p.Data.AsSpan(p.Offset + i * steps, len);
            TensorPrimitives.Multiply(row, mask, dropped.AsSpan(i * len, len));
            if (keep is not null)
                mask.CopyTo(keep.AsSpan(i * len, len));
        }
        return new MatrixView<T>(dropped, 0, len);
    }
}
