using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape of one GRU launch: Directions groups of Batch utterances.</summary>
public readonly record struct GruArgs(int Batch, int Steps, int Hidden, int Width);

/// <summary>The device views of one direction (both directions travel in one launch).</summary>
public struct GruViews
{
    public ArrayView<float> Gi, Whh, Bhh, Gates, Hprev, DGi, DGh;
    public int Column, Reverse;
}

// Bi-GRU recurrence (formulas in CpuBackend.Gru.cs). The input projection for all steps is one GEMM before this; here
// one persistent launch runs both directions: thread group g handles utterance g mod B in direction g / B and walks
// all its steps inside the kernel (no launch or host sync per step), the state in shared memory, two group barriers
// per step. The group is S slices × Hp threads (Hp = H rounded up to a warp, S = min(8, 1024 / Hp)): thread (s, u)
// sums the recurrent products of hidden unit u over slice s of the inner index, so a step's 3H² multiply-adds are
// spread over S·Hp threads instead of H, and the S partial sums meet in shared memory. Warps read the recurrent
// weights along u (W_hhᵀ in the forward pass, a transposed copy made per call; W_hh itself in the backward pass), so
// every load is coalesced and the weights stay in the SM's caches across steps.
// Forward FLOPs ≈ D·B·T·(6H² + 20H); backward ≈ D·B·T·(6H² + 20H); minimal bytes ≈ 4·D·(B·T·(3H + 4H + 2H) + 3H²).
public sealed partial class IlgpuBackend
{
    /// <summary>Largest hidden size the recurrence kernels take (one thread per unit and slice, state in shared memory).</summary>
    public const int MaxGruHidden = 1024;

    /// <summary>Most slices of the inner index per hidden unit (8 × 128 units = a full 1024-thread group at H = 128).</summary>
    private const int MaxGruSlices = 8;

    private Action<KernelConfig, GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>? _gruForward, _gruBackward;
    private Action<Index2D, ArrayView<float>, ArrayView<float>, int>? _transpose;

    public void GruForward(IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths, Tensor<float> output)
    {
        var (first, second, args) = Launch(directions, lengths, output, backward: false);
        first.Whh = Transposed(first.Whh, args.Hidden, "gru-whhT-0");
        second.Whh = directions.Count == 1 ? first.Whh : Transposed(second.Whh, args.Hidden, "gru-whhT-1");
        _gruForward ??= Accelerator.LoadStreamKernel<GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>(GruForwardKernel);
        _gruForward(GruConfig(directions.Count, args), first, second, D(lengths), D(output), args);
    }

    public void GruBackward(Tensor<float> dOutput, IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths)
    {
        var (first, second, args) = Launch(directions, lengths, dOutput, backward: true);
        _gruBackward ??= Accelerator.LoadStreamKernel<GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>(GruBackwardKernel);
        _gruBackward(GruConfig(directions.Count, args), first, second, D(lengths), D(dOutput), args);
    }

    private static KernelConfig GruConfig(int directions, GruArgs args)
    {
        int padded = RoundToWarp(args.Hidden);
        return new KernelConfig(directions * args.Batch, padded * SliceCount(args.Hidden));
    }

    /// <summary>W_hhᵀ [H, 3H] of w [3H, H], in a scratch buffer of its own.</summary>
    private ArrayView<float> Transposed(ArrayView<float> w, int hidden, string name)
    {
        var t = Scratch(name, 3 * hidden * hidden).Data.SubView(0, 3 * hidden * hidden);
        _transpose ??= Accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, int>(TransposeKernel);
        _transpose(new Index2D(3 * hidden, hidden), w, t, hidden);
        return t;
    }

    // t[q, i] = w[i, q] for w [rows, cols], index (i, q).
    private static void TransposeKernel(Index2D index, ArrayView<float> w, ArrayView<float> t, int cols) =>
        t[index.Y * (int)(w.Length / cols) + index.X] = w[index.X * cols + index.Y];

    private static (GruViews, GruViews, GruArgs) Launch(IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths, Tensor<float> output, bool backward)
    {
        if (directions.Count is < 1 or > 2) throw new ArgumentException("a GRU launch takes one or two directions");
        int batch = lengths.Length, steps = directions[0].Gi.Dim(1), hidden = directions[0].Whh.Dim(1);
        CheckHidden(hidden);
        var views = directions.Select(d =>
        {
            CheckLength(d.Gi, batch * steps * 3 * hidden, "gru gi");
            CheckLength(d.Gates, batch * steps * 4 * hidden, "gru gates");
            CheckLength(d.Hprev, batch * steps * hidden, "gru hprev");
            if (backward && (d.DGi is null || d.DGh is null)) throw new ArgumentException("GRU backward needs DGi and DGh");
            return new GruViews
            {
                Gi = D(d.Gi), Whh = D(d.Whh), Bhh = D(d.Bhh), Gates = D(d.Gates), Hprev = D(d.Hprev),
                DGi = d.DGi is null ? default : D(d.DGi), DGh = d.DGh is null ? default : D(d.DGh),
                Column = d.Column, Reverse = d.Reverse ? 1 : 0,
            };
        }).ToArray();
        return (views[0], views[^1], new GruArgs(batch, steps, hidden, output.Dim(2)));
    }

    private static void CheckHidden(int hidden)
    {
        if (hidden is < 1 or > MaxGruHidden) throw new ArgumentException($"GRU hidden size {hidden} outside 1..{MaxGruHidden}");
    }

    private static int RoundToWarp(int n) => (n + 31) / 32 * 32;

    private static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    private static void GruForwardKernel(GruViews first, GruViews second, ArrayView<int> lengths, ArrayView<float> output, GruArgs a)
    {
        var h = SharedMemory.Allocate<float>(MaxGruHidden);
        var partial = SharedMemory.Allocate<float>(3 * 1024);
        var v = Grid.IdxX < a.Batch ? first : second;
        int hid = a.Hidden, padded = Group.DimX / SliceCount(hid), b = Grid.IdxX % a.Batch, len = lengths[b];
        int u = Group.IdxX % padded, slice = Group.IdxX / padded, chunk = (hid + SliceCount(hid) - 1) / SliceCount(hid);
        int q0 = slice * chunk, q1 = XMath.Min(q0 + chunk, hid);
        bool active = u < hid, owner = active && slice == 0;
        if (owner) h[u] = 0f;
        for (int t = len; t < a.Steps && owner; t++)
        {
            int row = b * a.Steps + t;
            output[row * a.Width + v.Column + u] = 0f;
            v.Hprev[row * hid + u] = 0f;
            for (int q = 0; q < 4; q++) v.Gates[row * 4 * hid + q * hid + u] = 0f;
        }
        Group.Barrier();
        for (int s = 0; s < len; s++)
        {
            int t = v.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            float gr = 0f, gz = 0f, gn = 0f;
            if (active)
            {
                // v.Whh holds W_hhᵀ [H, 3H] here: row q, columns u, H + u, 2H + u.
                for (int q = q0; q < q1; q++)
                {
                    float hq = h[q];
                    int w = q * 3 * hid + u;
                    gr += v.Whh[w] * hq;
                    gz += v.Whh[w + hid] * hq;
                    gn += v.Whh[w + 2 * hid] * hq;
                }
                if (slice > 0)
                {
                    int p = (slice * 3) * padded + u;
                    partial[p] = gr;
                    partial[p + padded] = gz;
                    partial[p + 2 * padded] = gn;
                }
            }
            Group.Barrier();
            if (owner)
            {
                for (int other = 1; other < SliceCount(hid); other++)
                {
                    int p = (other * 3) * padded + u;
                    gr += partial[p];
                    gz += partial[p + padded];
                    gn += partial[p + 2 * padded];
                }
                gr += v.Bhh[u];
                gz += v.Bhh[hid + u];
                gn += v.Bhh[2 * hid + u];
                int g = row * 3 * hid;
                float r = Sigmoid(v.Gi[g + u] + gr);
                float z = Sigmoid(v.Gi[g + hid + u] + gz);
                float n = XMath.Tanh(v.Gi[g + 2 * hid + u] + r * gn);
                float hOld = h[u];
                float hNew = (1f - z) * n + z * hOld;
                int c = row * 4 * hid;
                v.Gates[c + u] = r;
                v.Gates[c + hid + u] = z;
                v.Gates[c + 2 * hid + u] = n;
                v.Gates[c + 3 * hid + u] = gn;
                v.Hprev[row * hid + u] = hOld;
                output[row * a.Width + v.Column + u] = hNew;
                h[u] = hNew; // every read of h for this step happened before the barrier above
            }
            Group.Barrier();
        }
    }

    // Backward per step, from δ = carry + dOutput: the gate gradients (formulas in CpuBackend.Gru.cs) go to DGi and DGh
    // and to shared memory as dgh = (da_r, da_z, da_n ⊙ r); then carry_u = δ_u z_u + Σ_i dgh_i W_hh[i, u], the sum over
    // i = 0..3H−1 split into the group's slices.
    private static void GruBackwardKernel(GruViews first, GruViews second, ArrayView<int> lengths, ArrayView<float> dOutput, GruArgs a)
    {
        var dgh = SharedMemory.Allocate<float>(3 * MaxGruHidden);
        var partial = SharedMemory.Allocate<float>(1024);
        var v = Grid.IdxX < a.Batch ? first : second;
        int hid = a.Hidden, padded = Group.DimX / SliceCount(hid), b = Grid.IdxX % a.Batch, len = lengths[b];
        int u = Group.IdxX % padded, slice = Group.IdxX / padded, chunk = (3 * hid + SliceCount(hid) - 1) / SliceCount(hid);
        int i0 = slice * chunk, i1 = XMath.Min(i0 + chunk, 3 * hid);
        bool active = u < hid, owner = active && slice == 0;
        for (int t = len; t < a.Steps && owner; t++)
        {
            int row = b * a.Steps + t;
            for (int q = 0; q < 3; q++)
            {
                v.DGi[row * 3 * hid + q * hid + u] = 0f;
                v.DGh[row * 3 * hid + q * hid + u] = 0f;
            }
        }
        float carry = 0f, direct = 0f;
        for (int s = len - 1; s >= 0; s--)
        {
            int t = v.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            if (owner)
            {
                float delta = carry + dOutput[row * a.Width + v.Column + u];
                int c = row * 4 * hid;
                float r = v.Gates[c + u], z = v.Gates[c + hid + u], n = v.Gates[c + 2 * hid + u], gn = v.Gates[c + 3 * hid + u];
                float dn = delta * (1f - z);
                float dz = delta * (v.Hprev[row * hid + u] - n);
                float dan = dn * (1f - n * n);
                float daz = dz * z * (1f - z);
                float dar = dan * gn * r * (1f - r);
                int g = row * 3 * hid;
                v.DGi[g + u] = dar;
                v.DGi[g + hid + u] = daz;
                v.DGi[g + 2 * hid + u] = dan;
                v.DGh[g + u] = dar;
                v.DGh[g + hid + u] = daz;
                v.DGh[g + 2 * hid + u] = dan * r;
                dgh[u] = dar;
                dgh[hid + u] = daz;
                dgh[2 * hid + u] = dan * r;
                direct = delta * z;
            }
            Group.Barrier();
            float acc = 0f;
            if (active)
            {
                for (int i = i0; i < i1; i++) acc += dgh[i] * v.Whh[i * hid + u];
                if (slice > 0) partial[slice * padded + u] = acc;
            }
            Group.Barrier();
            if (owner)
            {
                for (int other = 1; other < SliceCount(hid); other++) acc += partial[other * padded + u];
                carry = direct + acc; // the next step's dgh writes come after this read; other slices wait at its barrier
            }
        }
    }

    /// <summary>Slices S of the inner index for hidden size H (see <see cref="GruConfig"/>).</summary>
    private static int SliceCount(int hidden) => XMath.Clamp(1024 / RoundToWarp(hidden), 1, MaxGruSlices);
}
