using System.Buffers;
using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // Forward (PyTorch/cuDNN form), a = x·W_ihᵀ + b_ih (given), g = W_hh·h + b_hh:
    //   r = σ(a_r + g_r), z = σ(a_z + g_z), n = tanh(a_n + r ⊙ g_n), h' = (1 − z) ⊙ n + z ⊙ h = n + z ⊙ (h − n).
    // The forward direction runs t = 0..len−1, the reverse one t = len−1..0; both start from h = 0.
    // Each worker owns one direction and a slice of the batch and walks the steps with the slice's states as one
    // [rows, H] matrix: one packed GEMM per step against W_hhᵀ (packed once per call), then the vectorised gates.
    // Rows whose utterance has ended still ride along in the GEMM (batches are length-sorted) but are not updated.
    public void GruForward(IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths, Tensor<T> output)
    {
        var lens = Ints(lengths).ToArray();
        EachSlice(
            directions,
            lens.Length,
            d => PackedGemm<T>.Pack(Whh(d) with { Transposed = true }, d.Whh.Dim(1), d.Whh.Dim(0)),
            (d, whhT, from, to) => Forward(d, whhT, lens, from, to, output)
        );
    }

    public void GruBackward(Tensor<T> dOutput, IReadOnlyList<GruDirection<T>> directions, Tensor<int> lengths)
    {
        var lens = Ints(lengths).ToArray();
        EachSlice(
            directions,
            lens.Length,
            d => PackedGemm<T>.Pack(Whh(d), d.Whh.Dim(0), d.Whh.Dim(1)),
            (d, whh, from, to) => Backward(dOutput, d, whh, lens, from, to)
        );
    }

    /// <summary>Runs body for every (direction, batch slice) in parallel, with the direction's packed recurrent
    /// weight.</summary>
    private void EachSlice(
        IReadOnlyList<GruDirection<T>> directions,
        int batch,
        Func<GruDirection<T>, PackedGemm<T>.PackedB> pack,
        Action<GruDirection<T>, PackedGemm<T>.PackedB, int, int> body
    )
    {
        var packed = directions.Select(pack).ToArray();
        try
        {
            int slices = Slices(batch, directions.Count);
            Parallel.For(
                0,
                directions.Count * slices,
                Options,
                w =>
                {
                    var (from, to) = Slice(batch, slices, w % slices);
                    body(directions[w / slices], packed[w / slices], from, to);
                }
            );
        }
        finally
        {
            foreach (var p in packed)
                p.Dispose();
        }
    }

    private static MatrixView<T> Whh(GruDirection<T> d)
    {
        var w = Cpu(d.Whh);
        return new MatrixView<T>(w.Array, w.Offset, w.Dim(1));
    }

    /// <summary>Batch slices per direction so that directions × slices covers the threads.</summary>
    private int Slices(int batch, int directions) => Math.Clamp(Threads / Math.Max(1, directions), 1, batch);

    private static (int From, int To) Slice(int batch, int slices, int s) =>
        (batch * s / slices, batch * (s + 1) / slices);

    private static void Forward(
        GruDirection<T> d,
        PackedGemm<T>.PackedB whhT,
        int[] lens,
        int from,
        int to,
        Tensor<T> output
    )
    {
        int steps = d.Gi.Dim(1),
            hidden = d.Whh.Dim(1),
            width = output.Dim(2),
            rows = to - from;
        CheckLength(d.Gi, lens.Length * steps * 3 * hidden, "gru gi");
        CheckLength(d.Gates, lens.Length * steps * 4 * hidden, "gru gates");
        CheckLength(d.Hprev, lens.Length * steps * hidden, "gru hprev");
        var G = Cpu(d.Gi);
        var O = Cpu(output);
        var C = Cpu(d.Gates);
        var P = Cpu(d.Hprev);
        var bias = Cpu(d.Bhh).Span;
        int maxLen = 0;
        for (int b = from; b < to; b++)
        {
            int len = CheckedLength(lens[b], steps);
            maxLen = Math.Max(maxLen, len);
            for (int t = len; t < steps; t++)
            {
                O.Array.AsSpan(O.Offset + (b * steps + t) * width + d.Column, hidden).Clear();
                C.Array.AsSpan(C.Offset + (b * steps + t) * 4 * hidden, 4 * hidden).Clear();
                P.Array.AsSpan(P.Offset + (b * steps + t) * hidden, hidden).Clear();
            }
        }
        var h = ArrayPool<T>.Shared.Rent(rows * hidden);
        var gh = ArrayPool<T>.Shared.Rent(rows * 3 * hidden);
        var diff = ArrayPool<T>.Shared.Rent(hidden);
        try
        {
            Array.Clear(h, 0, rows * hidden);
            for (int s = 0; s < maxLen; s++)
            {
                PackedGemm<T>.Multiply(
                    rows,
                    3 * hidden,
                    hidden,
                    T.One,
                    new MatrixView<T>(h, 0, hidden),
                    whhT,
                    T.Zero,
                    new MatrixView<T>(gh, 0, 3 * hidden)
                );
                for (int b = from; b < to; b++)
                {
                    int len = lens[b];
                    if (s >= len)
                        continue;
                    int row = b * steps + (d.Reverse ? len - 1 - s : s);
                    var g = gh.AsSpan((b - from) * 3 * hidden, 3 * hidden);
                    var state = h.AsSpan((b - from) * hidden, hidden);
                    var a = G.Array.AsSpan(G.Offset + row * 3 * hidden, 3 * hidden);
                    var cache = C.Array.AsSpan(C.Offset + row * 4 * hidden, 4 * hidden);
                    var rz = cache[..(2 * hidden)];
                    var r = cache[..hidden];
                    var z = cache.Slice(hidden, hidden);
                    var n = cache.Slice(2 * hidden, hidden);
                    var gn = cache.Slice(3 * hidden, hidden);
                    TensorPrimitives.Add(g, bias, g);
                    TensorPrimitives.Add(a[..(2 * hidden)], g[..(2 * hidden)], rz);
                    TensorPrimitives.Sigmoid<T>(rz, rz);
                    g.Slice(2 * hidden, hidden).CopyTo(gn);
                    TensorPrimitives.MultiplyAdd(r, gn, a.Slice(2 * hidden, hidden), n);
                    TensorPrimitives.Tanh<T>(n, n);
                    state.CopyTo(P.Array.AsSpan(P.Offset + row * hidden, hidden));
                    TensorPrimitives.Subtract(state, n, diff.AsSpan(0, hidden));
                    TensorPrimitives.MultiplyAdd(z, diff.AsSpan(0, hidden), n, state);
                    state.CopyTo(O.Array.AsSpan(O.Offset + row * width + d.Column, hidden));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(h);
            ArrayPool<T>.Shared.Return(gh);
            ArrayPool<T>.Shared.Return(diff);
        }
    }

    // Backward through time, with δ = dL/dh' (output gradient plus the carry from the later step):
    //   dn = δ ⊙ (1 − z)            dz = δ ⊙ (h − n)
    //   dâ_n = dn ⊙ (1 − n²)        dâ_z = dz ⊙ z(1 − z)        dâ_r = (dâ_n ⊙ g_n) ⊙ r(1 − r)
    //   dGi = [dâ_r, dâ_z, dâ_n]    dGh = [dâ_r, dâ_z, dâ_n ⊙ r]
    //   dh = δ ⊙ z + dGh·W_hh      (carried to the step that produced h; one packed GEMM per step for the slice)
    // Then, outside: dW_hh = Σ dGhᵀ·h_prev, db_hh = Σ dGh, dW_ih = Σ dGiᵀ·x, db_ih = Σ dGi, dx = dGi·W_ih.
    private static void Backward(
        Tensor<T> dOutput,
        GruDirection<T> d,
        PackedGemm<T>.PackedB whh,
        int[] lens,
        int from,
        int to
    )
    {
        var dGi = d.DGi ?? throw new ArgumentException("GRU backward needs DGi");
        var dGh = d.DGh ?? throw new ArgumentException("GRU backward needs DGh");
        int steps = dGi.Dim(1),
            hidden = d.Whh.Dim(1),
            width = dOutput.Dim(2),
            rows = to - from;
        CheckLength(dGi, lens.Length * steps * 3 * hidden, "gru dGi");
        CheckLength(dGh, lens.Length * steps * 3 * hidden, "gru dGh");
        var D = Cpu(dOutput);
        var C = Cpu(d.Gates);
        var P = Cpu(d.Hprev);
        var DI = Cpu(dGi);
        var DH = Cpu(dGh);
        int maxLen = 0;
        for (int b = from; b < to; b++)
        {
            int len = CheckedLength(lens[b], steps);
            maxLen = Math.Max(maxLen, len);
            for (int t = len; t < steps; t++)
            {
                DI.Array.AsSpan(DI.Offset + (b * steps + t) * 3 * hidden, 3 * hidden).Clear();
                DH.Array.AsSpan(DH.Offset + (b * steps + t) * 3 * hidden, 3 * hidden).Clear();
            }
        }
        var carry = ArrayPool<T>.Shared.Rent(rows * hidden);
        var dhStep = ArrayPool<T>.Shared.Rent(rows * 3 * hidden);
        try
        {
            Array.Clear(carry, 0, rows * hidden);
            for (int s = maxLen - 1; s >= 0; s--)
            {
                for (int b = from; b < to; b++)
                {
                    int len = lens[b];
                    var dh = dhStep.AsSpan((b - from) * 3 * hidden, 3 * hidden);
                    if (s >= len)
                    {
                        dh.Clear();
                        continue;
                    }
                    int row = b * steps + (d.Reverse ? len - 1 - s : s);
                    var delta = carry.AsSpan((b - from) * hidden, hidden);
                    TensorPrimitives.Add(delta, D.Array.AsSpan(D.Offset + row * width + d.Column, hidden), delta);
                    var cache = C.Array.AsSpan(C.Offset + row * 4 * hidden, 4 * hidden);
                    var h = P.Array.AsSpan(P.Offset + row * hidden, hidden);
                    var di = DI.Array.AsSpan(DI.Offset + row * 3 * hidden, 3 * hidden);
                    for (int j = 0; j < hidden; j++)
                    {
                        T r = cache[j],
                            z = cache[hidden + j],
                            n = cache[2 * hidden + j],
                            gn = cache[3 * hidden + j];
                        T dn = delta[j] * (T.One - z);
                        T dz = delta[j] * (h[j] - n);
                        T dan = dn * (T.One - n * n);
                        T daz = dz * z * (T.One - z);
                        T dar = dan * gn * r * (T.One - r);
                        di[j] = dar;
                        di[hidden + j] = daz;
                        di[2 * hidden + j] = dan;
                        dh[j] = dar;
                        dh[hidden + j] = daz;
                        dh[2 * hidden + j] = dan * r;
                        delta[j] *= z;
                    }
                    dh.CopyTo(DH.Array.AsSpan(DH.Offset + row * 3 * hidden, 3 * hidden));
                }
                PackedGemm<T>.Multiply(
                    rows,
                    hidden,
                    3 * hidden,
                    T.One,
                    new MatrixView<T>(dhStep, 0, 3 * hidden),
                    whh,
                    T.One,
                    new MatrixView<T>(carry, 0, hidden)
                );
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(carry);
            ArrayPool<T>.Shared.Return(dhStep);
        }
    }

    private static int CheckedLength(int length, int steps) =>
        length >= 1 && length <= steps
            ? length
            : throw new ArgumentException($"sequence length {length} outside 1..{steps}");
}
