using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Per batch item b and head h (d = E/heads, s = 1/√d), over valid frames i, j < len:
    //   S_ij = s·q_i·k_j, P_i = softmax_j(S_i), P̃_ij = P_ij·keep_ij/(1−p), c_i = Σ_j P̃_ij v_j.
    // Padded keys get probability 0 (key-padding mask); padded queries get context 0.
    // Dropout element index: ((b·heads + h)·T + i)·T + j.
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
            for (int i = 0; i < len; i++)
            {
                var q = x.Slice(i * 3 * embed + head * dk, dk);
                var row = p.Slice(i * steps, len);
                for (int j = 0; j < len; j++) row[j] = scale * TensorPrimitives.Dot<T>(q, x.Slice(j * 3 * embed + embed + head * dk, dk));
                TensorPrimitives.SoftMax<T>(row, row);
                var c = ctx.Slice(i * embed + head * dk, dk);
                for (int j = 0; j < len; j++)
                {
                    T weight = row[j] * Keep(dropout, (bh * steps + i) * steps + j);
                    TensorPrimitives.MultiplyAdd(x.Slice(j * 3 * embed + 2 * embed + head * dk, dk), weight, c, c);
                }
            }
        });
    }

    // With g_i = dL/dc_i and m_ij = keep_ij/(1−p):
    //   dv_j = Σ_i P̃_ij g_i,   dP_ij = m_ij (g_i·v_j),   dS_ij = P_ij (dP_ij − Σ_k P_ik dP_ik),
    //   dq_i = s Σ_j dS_ij k_j,   dk_j = s Σ_i dS_ij q_i.
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
            for (int t = 0; t < steps; t++)
                for (int part = 0; part < 3; part++) dx.Slice(t * 3 * embed + part * embed + head * dk, dk).Clear();
            var dP = new T[len];
            for (int i = 0; i < len; i++)
            {
                var gi = g.Slice(i * embed + head * dk, dk);
                var row = p.Slice(i * steps, len);
                for (int j = 0; j < len; j++)
                {
                    T keep = Keep(dropout, (bh * steps + i) * steps + j);
                    var v = x.Slice(j * 3 * embed + 2 * embed + head * dk, dk);
                    dP[j] = keep * TensorPrimitives.Dot<T>(gi, v);
                    var dv = dx.Slice(j * 3 * embed + 2 * embed + head * dk, dk);
                    TensorPrimitives.MultiplyAdd(gi, row[j] * keep, dv, dv);
                }
                T dot = TensorPrimitives.Dot<T>(row, dP);
                var q = x.Slice(i * 3 * embed + head * dk, dk);
                var dq = dx.Slice(i * 3 * embed + head * dk, dk);
                for (int j = 0; j < len; j++)
                {
                    T ds = scale * row[j] * (dP[j] - dot);
                    TensorPrimitives.MultiplyAdd(x.Slice(j * 3 * embed + embed + head * dk, dk), ds, dq, dq);
                    var dkj = dx.Slice(j * 3 * embed + embed + head * dk, dk);
                    TensorPrimitives.MultiplyAdd(q, ds, dkj, dkj);
                }
            }
        });
    }

    private static T Keep(in DropoutSpec spec, int index) => spec.Active ? T.CreateChecked(Philox.Keep(spec, index)) : T.One;
}
