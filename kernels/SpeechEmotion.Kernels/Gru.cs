using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape of one GRU launch: Directions groups of Batch utterances. Resident: W_hh is copied into the group's
/// dynamic shared memory once and read from there at every step (else streamed from global memory).</summary>
public readonly record struct GruArgs(int Batch, int Steps, int Hidden, int Width, int Resident);

/// <summary>What one unit's backward step passes on: dgh = (da_r, da_z, da_n ⊙ r) and δ·z.</summary>
public struct GruStepGradients
{
    public Float3 Dgh;
    public float Direct;
}

/// <summary>Three running sums (the r, z and n rows of one unit).</summary>
public struct Float3
{
    public float X,
        Y,
        Z;
}

/// <summary>What the backward pass reads for one unit at one step: the output gradient and the forward pass's gates
/// and previous state.</summary>
public struct GruSaved
{
    public float DOutput,
        R,
        Z,
        N,
        Gn,
        HPrev;

    public static GruSaved Load(GruViews v, ArrayView<float> dOutput, int row, int u, int hid, int width)
    {
        int c = row * 4 * hid;
        return new GruSaved
        {
            DOutput = dOutput[row * width + v.Column + u],
            R = v.Gates[c + u],
            Z = v.Gates[c + hid + u],
            N = v.Gates[c + 2 * hid + u],
            Gn = v.Gates[c + 3 * hid + u],
            HPrev = v.Hprev[row * hid + u],
        };
    }
}

/// <summary>The device views of one direction (both directions travel in one launch).</summary>
public struct GruViews
{
    public ArrayView<float> Gi,
        Whh,
        Bhh,
        Gates,
        Hprev,
        DGi,
        DGh;
    public int Column,
        Reverse;
}

// Bi-GRU recurrence (formulas in CpuBackend.Gru.cs). The input projection for all steps is one GEMM before this; here
// one persistent launch runs both directions: thread group g handles utterance g mod B in direction g / B and walks
// all its steps inside the kernel (no launch or host sync per step), the state in shared memory, two group barriers
// per step. The group is S slices × Hp threads (Hp = H rounded up to a warp, S = min(8, 1024 / Hp)): thread (s, u)
// sums the recurrent products of hidden unit u over slice s of the inner index, so a step's 3H² multiply-adds are
// spread over S·Hp threads instead of H, and the S partial sums meet in shared memory. Warps read the recurrent
// weights along u (W_hhᵀ in the forward pass, W_hh itself in the backward pass), so accesses are coalesced or
// conflict-free. Persistent weights: when 3H² floats fit the group's shared memory (H = 128: 192 KiB, on Hopper with
// the opt-in limit of 227 KiB) the group copies W_hh there once (transposing on the fly in the forward pass) and
// every step reads it on-chip; otherwise the forward pass reads a transposed copy from global memory through the
// caches, which at H = 128 overflows L1: 5.0 instead of 2.6 µs per step on an H200 (benchmarks/RESULTS.md).
// These are the sliced kernels; the tiled kernels (GruTiled.cs) run the recurrence where their weights fit.
// FLOPs D·B·T·(6H² + 20H) each way; FLOPs and bytes as the ops gru-forward / gru-backward count them
// (Engine/Ops/KernelOps.Gru.cs).
public sealed partial class IlgpuBackend
{
    /// <summary>Largest hidden size the recurrence kernels take (one thread per unit and slice, state in shared
    /// memory).</summary>
    public const int MaxGruHidden = 1024;

    /// <summary>Most slices of the inner index per hidden unit (8 × 128 units = a full 1024-thread group at H =
    /// 128).</summary>
    private const int MaxGruSlices = 8;

    /// <summary>Static shared memory of either recurrence kernel: the state (1024 floats) and partial sums (3 × 1024)
    /// in the forward pass, dgh (3 × 1024) and partial sums (1024) in the backward pass.</summary>
    private const int GruStaticSharedBytes = 4 * 1024 * sizeof(float);

    private Action<KernelConfig, GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>? _gruForward,
        _gruBackward;
    private Action<Index2D, ArrayView<float>, ArrayView<float>, int>? _transpose;

    /// <summary>Most bytes of recurrent weights (3H² floats) a group keeps in shared memory; larger W_hh is streamed
    /// from global memory. Defaults to what the device allows a group (opt-in limit on CUDA); 0 forces
    /// streaming.</summary>
    public int GruSharedWeightLimit { get; set; }

    public void GruForward(IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths, Tensor<float> output)
    {
        var (first, second, args) = Launch(directions, lengths, output, backward: false);
        if (TiledForward(args.Hidden))
        {
            GruTiledLaunch(backward: false, directions.Count, first, second, lengths, output, args);
            return;
        }
        args = args with { Resident = Resident(args.Hidden) ? 1 : 0 };
        if (args.Resident == 0)
        {
            first.Whh = Transposed(first.Whh, args.Hidden, "gru-whhT-0");
            second.Whh = directions.Count == 1 ? first.Whh : Transposed(second.Whh, args.Hidden, "gru-whhT-1");
        }
        _gruForward ??= LoadGruKernel(GruForwardKernel);
        _gruForward(GruConfig(directions.Count, args), first, second, D(lengths), D(output), args);
    }

    public void GruBackward(Tensor<float> dOutput, IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths)
    {
        var (first, second, args) = Launch(directions, lengths, dOutput, backward: true);
        if (TiledBackward(args.Hidden))
        {
            GruTiledLaunch(backward: true, directions.Count, first, second, lengths, dOutput, args);
            return;
        }
        args = args with { Resident = Resident(args.Hidden) ? 1 : 0 };
        _gruBackward ??= LoadGruKernel(GruBackwardKernel);
        _gruBackward(GruConfig(directions.Count, args), first, second, D(lengths), D(dOutput), args);
    }

    private bool Resident(int hidden) => 3L * hidden * hidden * sizeof(float) <= GruSharedWeightLimit;

    /// <summary>Loads a recurrence kernel and, on CUDA, lets it take the dynamic shared memory the limit
    /// allows.</summary>
    private Action<KernelConfig, GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs> LoadGruKernel(
        Action<GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs> kernel,
        int extraStaticBytes = 0
    )
    {
        var loaded = Accelerator.LoadStreamKernel(kernel);
        if (GruSharedWeightLimit - extraStaticBytes > 0)
            CudaDriver.AllowDynamicSharedMemory(loaded, GruSharedWeightLimit - extraStaticBytes);
        return loaded;
    }

    private static KernelConfig GruConfig(int directions, GruArgs args)
    {
        int padded = RoundToWarp(args.Hidden);
        var shared = SharedMemoryConfig.RequestDynamic<float>(args.Resident != 0 ? 3 * args.Hidden * args.Hidden : 1);
        return new KernelConfig(
            new Index1D(directions * args.Batch),
            new Index1D(padded * SliceCount(args.Hidden)),
            shared
        );
    }

    /// <summary>W_hhᵀ [H, 3H] of w [3H, H], in a scratch buffer of its own.</summary>
    private ArrayView<float> Transposed(ArrayView<float> w, int hidden, string name)
    {
        var t = Scratch(name, 3 * hidden * hidden).Data.SubView(0, 3 * hidden * hidden);
        _transpose ??= Accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, int>(
            TransposeKernel
        );
        _transpose(new Index2D(3 * hidden, hidden), w, t, hidden);
        return t;
    }

    // t[q, i] = w[i, q] for w [rows, cols], index (i, q).
    private static void TransposeKernel(Index2D index, ArrayView<float> w, ArrayView<float> t, int cols) =>
        t[index.Y * (int)(w.Length / cols) + index.X] = w[index.X * cols + index.Y];

    private static (GruViews, GruViews, GruArgs) Launch(
        IReadOnlyList<GruDirection<float>> directions,
        Tensor<int> lengths,
        Tensor<float> output,
        bool backward
    )
    {
        if (directions.Count is < 1 or > 2)
            throw new ArgumentException("a GRU launch takes one or two directions");
        int batch = lengths.Length,
            steps = directions[0].Gi.Dim(1),
            hidden = directions[0].Whh.Dim(1);
        CheckHidden(hidden);
        var views = directions
            .Select(d =>
            {
                CheckLength(d.Gi, batch * steps * 3 * hidden, "gru gi");
                CheckLength(d.Gates, batch * steps * 4 * hidden, "gru gates");
                CheckLength(d.Hprev, batch * steps * hidden, "gru hprev");
                if (backward && (d.DGi is null || d.DGh is null))
                    throw new ArgumentException("GRU backward needs DGi and DGh");
                return new GruViews
                {
                    Gi = D(d.Gi),
                    Whh = D(d.Whh),
                    Bhh = D(d.Bhh),
                    Gates = D(d.Gates),
                    Hprev = D(d.Hprev),
                    DGi = d.DGi is null ? default : D(d.DGi),
                    DGh = d.DGh is null ? default : D(d.DGh),
                    Column = d.Column,
                    Reverse = d.Reverse ? 1 : 0,
                };
            })
            .ToArray();
        return (views[0], views[^1], new GruArgs(batch, steps, hidden, output.Dim(2), 0));
    }

    private static void CheckHidden(int hidden)
    {
        if (hidden is < 1 or > MaxGruHidden)
            throw new ArgumentException($"GRU hidden size {hidden} outside 1..{MaxGruHidden}");
    }

    private static int RoundToWarp(int n) => (n + 31) / 32 * 32;

    private static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    private static void GruForwardKernel(
        GruViews first,
        GruViews second,
        ArrayView<int> lengths,
        ArrayView<float> output,
        GruArgs a
    )
    {
        var h = SharedMemory.Allocate<float>(MaxGruHidden);
        var partial = SharedMemory.Allocate<float>(3 * 1024);
        var resident = SharedMemory.GetDynamic<float>();
        var v = Grid.IdxX < a.Batch ? first : second;
        int hid = a.Hidden,
            padded = Group.DimX / SliceCount(hid),
            b = Grid.IdxX % a.Batch,
            len = lengths[b];
        int u = Group.IdxX % padded,
            slice = Group.IdxX / padded,
            chunk = (hid + SliceCount(hid) - 1) / SliceCount(hid);
        int q0 = slice * chunk,
            q1 = XMath.Min(q0 + chunk, hid);
        bool active = u < hid,
            owner = active && slice == 0;
        if (owner)
            h[u] = 0f;
        // Resident: v.Whh is W_hh [3H, H]; keep W_hhᵀ [H, 3H] on chip. Streaming: v.Whh already is W_hhᵀ.
        for (int e = Group.IdxX; a.Resident != 0 && e < 3 * hid * hid; e += Group.DimX)
            resident[e % hid * 3 * hid + e / hid] = v.Whh[e];
        var bias = new Float3();
        var next = new Float3();
        if (owner)
            (bias, next) = GruOwnerStart(v, output, a, b, len, u);
        Group.Barrier();
        for (int s = 0; s < len; s++)
        {
            int row = GruRow(v, b, a.Steps, len, s);
            var gi = next;
            if (owner && s + 1 < len)
                next = Load3(v.Gi, GruRow(v, b, a.Steps, len, s + 1) * 3 * hid, u, hid);
            var sums = new Float3();
            if (active)
            {
                sums =
                    a.Resident != 0
                        ? RecurrentSums(resident, h, u, q0, q1, hid)
                        : RecurrentSums(v.Whh, h, u, q0, q1, hid);
                if (slice > 0)
                {
                    int p = (slice * 3) * padded + u;
                    partial[p] = sums.X;
                    partial[p + padded] = sums.Y;
                    partial[p + 2 * padded] = sums.Z;
                }
            }
            Group.Barrier();
            if (owner)
            {
                float gr = sums.X,
                    gz = sums.Y,
                    gn = sums.Z;
                for (int other = 1; other < SliceCount(hid); other++)
                {
                    int p = (other * 3) * padded + u;
                    gr += partial[p];
                    gz += partial[p + padded];
                    gn += partial[p + 2 * padded];
                }
                var recurrent = new Float3
                {
                    X = gr + bias.X,
                    Y = gz + bias.Y,
                    Z = gn + bias.Z,
                };
                // every read of h for this step happened before the barrier above
                h[u] = GruUpdate(v, output, a, row, u, gi, recurrent, h[u]);
            }
            Group.Barrier();
        }
    }

    // Backward per step, from δ = carry + dOutput: the gate gradients (formulas in CpuBackend.Gru.cs) go to DGi and DGh
    // and to shared memory as dgh = (da_r, da_z, da_n ⊙ r); then carry_u = δ_u z_u + Σ_i dgh_i W_hh[i, u], the sum over
    // i = 0..3H−1 split into the group's slices.
    private static void GruBackwardKernel(
        GruViews first,
        GruViews second,
        ArrayView<int> lengths,
        ArrayView<float> dOutput,
        GruArgs a
    )
    {
        var dgh = SharedMemory.Allocate<float>(3 * MaxGruHidden);
        var partial = SharedMemory.Allocate<float>(1024);
        var resident = SharedMemory.GetDynamic<float>();
        var v = Grid.IdxX < a.Batch ? first : second;
        int hid = a.Hidden,
            padded = Group.DimX / SliceCount(hid),
            b = Grid.IdxX % a.Batch,
            len = lengths[b];
        int u = Group.IdxX % padded,
            slice = Group.IdxX / padded,
            chunk = (3 * hid + SliceCount(hid) - 1) / SliceCount(hid);
        int i0 = slice * chunk,
            i1 = XMath.Min(i0 + chunk, 3 * hid);
        bool active = u < hid,
            owner = active && slice == 0;
        for (int e = Group.IdxX; a.Resident != 0 && e < 3 * hid * hid; e += Group.DimX)
            resident[e] = v.Whh[e];
        float carry = 0f,
            direct = 0f;
        var next = new GruSaved();
        if (owner)
            next = GruOwnerBackwardStart(v, dOutput, a, b, len, u);
        Group.Barrier();
        for (int s = len - 1; s >= 0; s--)
        {
            int row = GruRow(v, b, a.Steps, len, s);
            var saved = next;
            if (owner && s > 0)
                next = GruSaved.Load(v, dOutput, GruRow(v, b, a.Steps, len, s - 1), u, hid, a.Width);
            if (owner)
            {
                var step = GruGateGradients(v, saved, carry, row, u, hid);
                dgh[u] = step.Dgh.X;
                dgh[hid + u] = step.Dgh.Y;
                dgh[2 * hid + u] = step.Dgh.Z;
                direct = step.Direct;
            }
            Group.Barrier();
            float acc = 0f;
            if (active)
            {
                acc =
                    a.Resident != 0 ? ColumnSum(resident, dgh, u, i0, i1, hid) : ColumnSum(v.Whh, dgh, u, i0, i1, hid);
                if (slice > 0)
                    partial[slice * padded + u] = acc;
            }
            Group.Barrier();
            if (owner)
            {
                for (int other = 1; other < SliceCount(hid); other++)
                    acc += partial[other * padded + u];
                // The next step's dgh writes come after this read; other slices wait at its barrier.
                carry = direct + acc;
            }
        }
    }

    /// <summary>Row (b, t) of a step: t runs backwards in the reverse direction.</summary>
    /// <summary>The owner of unit u before the steps: zeros at the padded steps, then its biases and the first
    /// step's input projection. The global reads are issued early (the input projection one step ahead from then
    /// on) so that their latency hides behind the recurrent products and the barrier, off the step's critical
    /// path.</summary>
    private static (Float3 Bias, Float3 Next) GruOwnerStart(
        GruViews v,
        ArrayView<float> output,
        GruArgs a,
        int b,
        int len,
        int u
    )
    {
        GruZeroPadding(v, output, a, b, len, u);
        var next = len > 0 ? Load3(v.Gi, GruRow(v, b, a.Steps, len, 0) * 3 * a.Hidden, u, a.Hidden) : new Float3();
        return (Load3(v.Bhh, 0, u, a.Hidden), next);
    }

    /// <summary>Zeros for unit u at the padded steps len..Steps−1 of utterance b.</summary>
    private static void GruZeroPadding(GruViews v, ArrayView<float> output, GruArgs a, int b, int len, int u)
    {
        for (int t = len; t < a.Steps; t++)
        {
            int row = b * a.Steps + t;
            output[row * a.Width + v.Column + u] = 0f;
            v.Hprev[row * a.Hidden + u] = 0f;
            for (int q = 0; q < 4; q++)
                v.Gates[row * 4 * a.Hidden + q * a.Hidden + u] = 0f;
        }
    }

    /// <summary>Zeros of unit u's gate gradients at the padded steps len..Steps−1 of utterance b.</summary>
    private static void GruZeroGradientPadding(GruViews v, GruArgs a, int b, int len, int u)
    {
        int hid = a.Hidden;
        for (int t = len; t < a.Steps; t++)
        {
            int row = b * a.Steps + t;
            for (int q = 0; q < 3; q++)
            {
                v.DGi[row * 3 * hid + q * hid + u] = 0f;
                v.DGh[row * 3 * hid + q * hid + u] = 0f;
            }
        }
    }

    /// <summary>The owner of unit u before the backward steps: zeros at the padded steps, then the saved values of
    /// the last step (as in the forward pass, the owner reads them one step ahead from then on).</summary>
    private static GruSaved GruOwnerBackwardStart(
        GruViews v,
        ArrayView<float> dOutput,
        GruArgs a,
        int b,
        int len,
        int u
    )
    {
        GruZeroGradientPadding(v, a, b, len, u);
        return len > 0
            ? GruSaved.Load(v, dOutput, GruRow(v, b, a.Steps, len, len - 1), u, a.Hidden, a.Width)
            : new GruSaved();
    }

    /// <summary>Unit u's backward step from δ = carry + dOutput (formulas in CpuBackend.Gru.cs): the gate gradients,
    /// written to DGi and DGh; returns dgh = (da_r, da_z, da_n ⊙ r) and the direct part δ·z of the next
    /// carry.</summary>
    private static GruStepGradients GruGateGradients(GruViews v, GruSaved saved, float carry, int row, int u, int hid)
    {
        float delta = carry + saved.DOutput;
        float r = saved.R,
            z = saved.Z,
            n = saved.N,
            gn = saved.Gn;
        float dn = delta * (1f - z);
        float dz = delta * (saved.HPrev - n);
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
        return new GruStepGradients
        {
            Dgh = new Float3
            {
                X = dar,
                Y = daz,
                Z = dan * r,
            },
            Direct = delta * z,
        };
    }

    /// <summary>One unit's step from its input projection gi and recurrent sums gh (biases included): the gates, the
    /// new state (written to the output) and what the backward pass reads; returns the new state.</summary>
    private static float GruUpdate(
        GruViews v,
        ArrayView<float> output,
        GruArgs a,
        int row,
        int u,
        Float3 gi,
        Float3 gh,
        float hOld
    )
    {
        int hid = a.Hidden;
        float r = Sigmoid(gi.X + gh.X);
        float z = Sigmoid(gi.Y + gh.Y);
        float n = XMath.Tanh(gi.Z + r * gh.Z);
        float hNew = (1f - z) * n + z * hOld;
        int c = row * 4 * hid;
        v.Gates[c + u] = r;
        v.Gates[c + hid + u] = z;
        v.Gates[c + 2 * hid + u] = n;
        v.Gates[c + 3 * hid + u] = gh.Z;
        v.Hprev[row * hid + u] = hOld;
        output[row * a.Width + v.Column + u] = hNew;
        return hNew;
    }

    private static int GruRow(GruViews v, int b, int steps, int len, int s) =>
        b * steps + (v.Reverse != 0 ? len - 1 - s : s);

    /// <summary>(x[base + u], x[base + H + u], x[base + 2H + u]).</summary>
    private static Float3 Load3(ArrayView<float> x, int offset, int u, int hid) =>
        new()
        {
            X = x[offset + u],
            Y = x[offset + hid + u],
            Z = x[offset + 2 * hid + u],
        };

    /// <summary>(Σ_q wᵀ[q, u]·h_q, Σ_q wᵀ[q, H + u]·h_q, Σ_q wᵀ[q, 2H + u]·h_q) over q in [q0, q1), wᵀ [H,
    /// 3H].</summary>
    private static Float3 RecurrentSums(ArrayView<float> wT, ArrayView<float> h, int u, int q0, int q1, int hid)
    {
        var sums = new Float3();
        for (int q = q0; q < q1; q++)
        {
            float hq = h[q];
            int w = q * 3 * hid + u;
            sums.X += wT[w] * hq;
            sums.Y += wT[w + hid] * hq;
            sums.Z += wT[w + 2 * hid] * hq;
        }
        return sums;
    }

    /// <summary>Σ_i dgh_i·w[i, u] over i in [i0, i1), w [3H, H].</summary>
    private static float ColumnSum(ArrayView<float> w, ArrayView<float> dgh, int u, int i0, int i1, int hid)
    {
        float acc = 0f;
        for (int i = i0; i < i1; i++)
            acc += dgh[i] * w[i * hid + u];
        return acc;
    }

    /// <summary>Slices S of the inner index for hidden size H (see <see cref="GruConfig"/>).</summary>
    private static int SliceCount(int hidden) => XMath.Clamp(1024 / RoundToWarp(hidden), 1, MaxGruSlices);
}
