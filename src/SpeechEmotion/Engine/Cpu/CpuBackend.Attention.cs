using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Per batch item b and head h (d = E/heads, s = 1/√d), over valid frames i, j < len:
    //   S_ij = s·q_i·k_j, P_i = softmax_j(S_i), P̃_ij = P_ij·keep_ij/(1−p), c_i = Σ_j P̃_ij v_j.
    // Padded keys get probability 0 (key-padding mask); padded queries get context 0.
    // Dropout element index: ((b·heads + h)·T + i)·T + j.
    // The head's K and V are first copied transposed ([d, len]) so that every inner loop runs over a whole row of
    // keys: S_i = Σ_d q_i[d]·Kᵀ[d], c_i[d] = P̃_i·Vᵀ[d].
    public void AttentionForward(Tensor<T> qkv, Tensor<int> lengths, int heads, DropoutSpec dropout, Tensor<T> probs, Tensor<T> context)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, steps = qkv.Dim(1), embed = qkv.Dim(2) / 3, dk = embed / heads;
        CheckLength(probs, batch * heads * steps * steps, "attention probs");
        CheckLength(context, batch * steps * embed, "attention context");
        var Q = Cpu(qkv); var Pr = Cpu(probs); var Ctx = Cpu(context);
        T scale = T.One / T.Sqrt(T.CreateChecked(dk));
        Parallel.For(0, batch * heads, bh =>
        {
            int b = bh / heads, head = bh % heads, len = CheckedLength(lens[b], steps);
            var x = Q.Array.AsSpan(Q.Offset + b * steps * 3 * embed, steps * 3 * embed);
            var ctx = Ctx.Array.AsSpan(Ctx.Offset + b * steps * embed, steps * embed);
            var p = Pr.Array.AsSpan(Pr.Offset + bh * steps * steps, steps * steps);
            p.Clear();
            for (int i = 0; i < steps; i++) ctx.Slice(i * embed + head * dk, dk).Clear();
            var kt = Transposed(x, embed + head * dk, 3 * embed, len, dk);
            var vt = Transposed(x, 2 * embed + head * dk, 3 * embed, len, dk);
            var dropped = new T[len];
            var keep = new T[len];
            for (int i = 0; i < len; i++)
            {
                var q = x.Slice(i * 3 * embed + head * dk, dk);
                var row = p.Slice(i * steps, len);
                for (int d = 0; d < dk; d++) TensorPrimitives.MultiplyAdd(kt.AsSpan(d * len, len), scale * q[d], row, row);
                TensorPrimitives.SoftMax<T>(row, row);
                var weights = Dropped(row, dropout, (bh * steps + i) * steps, dropped, keep);
                var c = ctx.Slice(i * embed + head * dk, dk);
                for (int d = 0; d < dk; d++) c[d] = TensorPrimitives.Dot<T>(weights, vt.AsSpan(d * len, len));
            }
        });
    }

    // With g_i = dL/dc_i and m_ij = keep_ij/(1−p):
    //   dv_j = Σ_i P̃_ij g_i,   dP_ij = m_ij (g_i·v_j),   dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik),
    //   dq_i = s Σ_j dS_ij k_j,   dk_j = s Σ_i dS_ij q_i.
    // Transposed per head as in the forward: dP_i = Σ_d g_i[d]·Vᵀ[d], dVᵀ[d] += g_i[d]·P̃_i, dq_i[d] = s·dS_i·Kᵀ[d],
    // dKᵀ[d] += s·q_i[d]·dS_i.
    public void AttentionBackward(Tensor<T> dContext, Tensor<T> qkv, Tensor<T> probs, Tensor<int> lengths, int heads,
        DropoutSpec dropout, Tensor<T> dQkv)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, steps = qkv.Dim(1), embed = qkv.Dim(2) / 3, dk = embed / heads;
        CheckLength(dQkv, qkv.Length, "attention dQkv");
        var Q = Cpu(qkv); var Pr = Cpu(probs); var G = Cpu(dContext); var DQ = Cpu(dQkv);
        T scale = T.One / T.Sqrt(T.CreateChecked(dk));
        Parallel.For(0, batch * heads, bh =>
        {
            int b = bh / heads, head = bh % heads, len = CheckedLength(lens[b], steps);
            var x = Q.Array.AsSpan(Q.Offset + b * steps * 3 * embed, steps * 3 * embed);
            var dx = DQ.Array.AsSpan(DQ.Offset + b * steps * 3 * embed, steps * 3 * embed);
            var g = G.Array.AsSpan(G.Offset + b * steps * embed, steps * embed);
            var p = Pr.Array.AsSpan(Pr.Offset + bh * steps * steps, steps * steps);
            var kt = Transposed(x, embed + head * dk, 3 * embed, len, dk);
            var vt = Transposed(x, 2 * embed + head * dk, 3 * embed, len, dk);
            var dkt = new T[dk * len];
            var dvt = new T[dk * len];
            var dP = new T[len];
            var dropped = new T[len];
            var keep = new T[len];
            for (int t = 0; t < steps; t++)
                for (int part = 0; part < 3; part++) dx.Slice(t * 3 * embed + part * embed + head * dk, dk).Clear();
            for (int i = 0; i < len; i++)
            {
                var gi = g.Slice(i * embed + head * dk, dk);
                var row = p.Slice(i * steps, len);
                var weights = Dropped(row, dropout, (bh * steps + i) * steps, dropped, keep);
                Array.Clear(dP, 0, len);
                for (int d = 0; d < dk; d++)
                {
                    TensorPrimitives.MultiplyAdd(vt.AsSpan(d * len, len), gi[d], dP, dP);
                    TensorPrimitives.MultiplyAdd(weights, gi[d], dvt.AsSpan(d * len, len), dvt.AsSpan(d * len, len));
                }
                if (dropout.Active) TensorPrimitives.Multiply(dP, keep.AsSpan(0, len), dP);
                T dot = TensorPrimitives.Dot<T>(row, dP);
                for (int j = 0; j < len; j++) dP[j] = scale * row[j] * (dP[j] - dot);
                var q = x.Slice(i * 3 * embed + head * dk, dk);
                var dq = dx.Slice(i * 3 * embed + head * dk, dk);
                for (int d = 0; d < dk; d++)
                {
                    dq[d] = TensorPrimitives.Dot<T>(dP, kt.AsSpan(d * len, len));
                    TensorPrimitives.MultiplyAdd(dP, q[d], dkt.AsSpan(d * len, len), dkt.AsSpan(d * len, len));
                }
            }
            for (int j = 0; j < len; j++)
                for (int d = 0; d < dk; d++)
                {
                    dx[j * 3 * embed + embed + head * dk + d] = dkt[d * len + j];
                    dx[j * 3 * embed + 2 * embed + head * dk + d] = dvt[d * len + j];
                }
        });
    }

    /// <summary>Rows [0, len) of a strided [len, dk] block starting at column `column`, copied transposed to [dk, len].</summary>
    private static T[] Transposed(ReadOnlySpan<T> x, int column, int stride, int len, int dk)
    {
        var t = new T[dk * len];
        for (int j = 0; j < len; j++)
            for (int d = 0; d < dk; d++) t[d * len + j] = x[j * stride + column + d];
        return t;
    }

    /// <summary>The probability row with dropout applied (P̃) and the row's multipliers in keep, or the row itself when dropout is off.</summary>
    private static ReadOnlySpan<T> Dropped(ReadOnlySpan<T> row, in DropoutSpec spec, int firstIndex, T[] buffer, T[] keep)
    {
        if (!spec.Active) return row;
        Span<float> mask = stackalloc float[row.Length];
        Philox.FillKeep(spec, firstIndex, mask);
        for (int j = 0; j < row.Length; j++)
        {
            keep[j] = T.CreateChecked(mask[j]);
            buffer[j] = row[j] * keep[j];
        }
        return buffer.AsSpan(0, row.Length);
    }
}
