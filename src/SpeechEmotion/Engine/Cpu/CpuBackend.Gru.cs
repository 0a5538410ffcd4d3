using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Forward (PyTorch/cuDNN form), a = x·W_ihᵀ + b_ih (given), g = W_hh·h + b_hh:
    //   r = σ(a_r + g_r), z = σ(a_z + g_z), n = tanh(a_n + r ⊙ g_n), h' = (1 − z) ⊙ n + z ⊙ h.
    // The forward direction runs t = 0..len−1, the reverse one t = len−1..0; both start from h = 0.
    public void GruForward(IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths, Tensor<T> output)
    {
        foreach (var d in directions) Forward(d.Gi, d.Whh, d.Bhh, lengths, d.Reverse, output, d.Column, d.Gates, d.Hprev);
    }

    public void GruBackward(Tensor<T> dOutput, IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths)
    {
        foreach (var d in directions)
            Backward(dOutput, d.Column, d.Whh, d.Gates, d.Hprev, lengths, d.Reverse,
                d.DGi ?? throw new ArgumentException("GRU backward needs DGi"), d.DGh ?? throw new ArgumentException("GRU backward needs DGh"));
    }

    private static void Forward(Tensor<T> gi, Tensor<T> whh, Tensor<T> bhh, Tensor<int> lengths, bool reverse,
        Tensor<T> output, int column, Tensor<T> gates, Tensor<T> hprev)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, steps = gi.Dim(1), hidden = whh.Dim(1), width = output.Dim(2);
        CheckLength(gi, batch * steps * 3 * hidden, "gru gi");
        CheckLength(gates, batch * steps * 4 * hidden, "gru gates");
        CheckLength(hprev, batch * steps * hidden, "gru hprev");
        var G = Cpu(gi); var W = Cpu(whh); var Bh = Cpu(bhh); var O = Cpu(output); var C = Cpu(gates); var P = Cpu(hprev);
        Parallel.For(0, batch, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var w = W.Span; var bias = Bh.Span;
            var h = new T[hidden];
            var gh = new T[3 * hidden];
            for (int t = 0; t < steps; t++)
            {
                if (t >= len)
                {
                    O.Array.AsSpan(O.Offset + (b * steps + t) * width + column, hidden).Clear();
                    C.Array.AsSpan(C.Offset + (b * steps + t) * 4 * hidden, 4 * hidden).Clear();
                    P.Array.AsSpan(P.Offset + (b * steps + t) * hidden, hidden).Clear();
                }
            }
            for (int s = 0; s < len; s++)
            {
                int t = reverse ? len - 1 - s : s;
                int row = b * steps + t;
                for (int i = 0; i < 3 * hidden; i++) gh[i] = TensorPrimitives.Dot<T>(w.Slice(i * hidden, hidden), h) + bias[i];
                var a = G.Array.AsSpan(G.Offset + row * 3 * hidden, 3 * hidden);
                var cache = C.Array.AsSpan(C.Offset + row * 4 * hidden, 4 * hidden);
                h.CopyTo(P.Array.AsSpan(P.Offset + row * hidden, hidden));
                var o = O.Array.AsSpan(O.Offset + row * width + column, hidden);
                for (int j = 0; j < hidden; j++)
                {
                    T r = Sigmoid(a[j] + gh[j]);
                    T z = Sigmoid(a[hidden + j] + gh[hidden + j]);
                    T n = T.Tanh(a[2 * hidden + j] + r * gh[2 * hidden + j]);
                    cache[j] = r; cache[hidden + j] = z; cache[2 * hidden + j] = n; cache[3 * hidden + j] = gh[2 * hidden + j];
                    h[j] = (T.One - z) * n + z * h[j];
                    o[j] = h[j];
                }
            }
        });
    }

    // Backward through time, with δ = dL/dh' (output gradient plus the carry from the later step):
    //   dn = δ ⊙ (1 − z)            dz = δ ⊙ (h − n)
    //   dâ_n = dn ⊙ (1 − n²)        dâ_z = dz ⊙ z(1 − z)        dâ_r = (dâ_n ⊙ g_n) ⊙ r(1 − r)
    //   dGi = [dâ_r, dâ_z, dâ_n]    dGh = [dâ_r, dâ_z, dâ_n ⊙ r]
    //   dh = δ ⊙ z + W_hhᵀ·dGh      (carried to the step that produced h)
    // Then, outside: dW_hh = Σ dGhᵀ·h_prev, db_hh = Σ dGh, dW_ih = Σ dGiᵀ·x, db_ih = Σ dGi, dx = dGi·W_ih.
    private static void Backward(Tensor<T> dOutput, int column, Tensor<T> whh, Tensor<T> gates, Tensor<T> hprev,
        Tensor<int> lengths, bool reverse, Tensor<T> dGi, Tensor<T> dGh)
    {
        var lens = Ints(lengths).ToArray();
        int batch = lens.Length, steps = dGi.Dim(1), hidden = whh.Dim(1), width = dOutput.Dim(2);
        CheckLength(dGi, batch * steps * 3 * hidden, "gru dGi");
        CheckLength(dGh, batch * steps * 3 * hidden, "gru dGh");
        var D = Cpu(dOutput); var W = Cpu(whh); var C = Cpu(gates); var P = Cpu(hprev); var DI = Cpu(dGi); var DH = Cpu(dGh);
        Parallel.For(0, batch, b =>
        {
            int len = CheckedLength(lens[b], steps);
            var w = W.Span;
            var delta = new T[hidden];
            var carry = new T[hidden];
            for (int t = len; t < steps; t++)
            {
                DI.Array.AsSpan(DI.Offset + (b * steps + t) * 3 * hidden, 3 * hidden).Clear();
                DH.Array.AsSpan(DH.Offset + (b * steps + t) * 3 * hidden, 3 * hidden).Clear();
            }
            for (int s = len - 1; s >= 0; s--)
            {
                int t = reverse ? len - 1 - s : s;
                int row = b * steps + t;
                TensorPrimitives.Add(carry, D.Array.AsSpan(D.Offset + row * width + column, hidden), delta);
                var cache = C.Array.AsSpan(C.Offset + row * 4 * hidden, 4 * hidden);
                var h = P.Array.AsSpan(P.Offset + row * hidden, hidden);
                var di = DI.Array.AsSpan(DI.Offset + row * 3 * hidden, 3 * hidden);
                var dh = DH.Array.AsSpan(DH.Offset + row * 3 * hidden, 3 * hidden);
                for (int j = 0; j < hidden; j++)
                {
                    T r = cache[j], z = cache[hidden + j], n = cache[2 * hidden + j], gn = cache[3 * hidden + j];
                    T dn = delta[j] * (T.One - z);
                    T dz = delta[j] * (h[j] - n);
                    T dan = dn * (T.One - n * n);
                    T daz = dz * z * (T.One - z);
                    T dar = dan * gn * r * (T.One - r);
                    di[j] = dar; di[hidden + j] = daz; di[2 * hidden + j] = dan;
                    dh[j] = dar; dh[hidden + j] = daz; dh[2 * hidden + j] = dan * r;
                    carry[j] = delta[j] * z;
                }
                for (int i = 0; i < 3 * hidden; i++) TensorPrimitives.MultiplyAdd(w.Slice(i * hidden, hidden), dh[i], carry, carry);
            }
        });
    }

    private static int CheckedLength(int length, int steps) =>
        length >= 1 && length <= steps ? length : throw new ArgumentException($"sequence length {length} outside 1..{steps}");
}
