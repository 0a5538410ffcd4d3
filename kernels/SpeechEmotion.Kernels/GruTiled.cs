using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

// Bi-GRU recurrence with one group barrier per step, aimed at the batch-1 latency floor (the recurrence is T dependent
// steps). A group is Hp × L threads: L ∈ {1, 2, 4, 8} lanes per hidden unit, adjacent in one warp (thread u·L + l).
// Forward: lane l of unit u owns the inner indices q = l + L·j, j < C = ⌈H / L⌉, of u's three rows of W_hh: the
// first 8 of each row in registers (eight named fields: a local array would live in local memory), the rest in dynamic
// shared memory laid out [weight][thread] so a warp's reads are conflict-free. Each step reads h from one of two
// shared buffers (lanes with equal l read the same word: a broadcast), sums its products, and the L partial sums meet
// through XOR warp shuffles, not shared memory; lane 0 applies the gates (GruUpdate) and writes the new state into the
// other buffer, so one barrier per step separates the writes from the next step's reads.
// Backward, the same way round: lane l of unit u owns rows i = l + L·j, j < ⌈3H / L⌉, of column u of W_hh (24 in
// registers, the rest shared); lane 0 writes dgh = (da_r, da_z, da_n ⊙ r) into one of two buffers, one barrier, then
// every lane sums its share of Σ_i dgh_i W_hh[i, u] and the shuffles give lane 0 the next carry.
// At H = 128: L = 8, 1024 threads; forward 24 weights in registers and 24 in shared memory (96 KiB) per thread, 40
// shared reads and 9 shuffles per thread per step (the sliced kernel: 48 + 16 shared reads, shared partial sums, two
// barriers); backward 24 + 24 weights, 48 shared reads, 3 shuffles. Used when the shared weights fit the group
// (H ≤ 128 at 227 KiB on Hopper; H ≤ 64 needs none either way), else the sliced kernels (Gru.cs).
// FLOPs as the sliced kernels (the ops gru-forward / gru-backward, Engine/Ops/KernelOps.Gru.cs).
public sealed partial class IlgpuBackend
{
    /// <summary>Weights per gate row (forward) or per third of a column (backward) held in registers.</summary>
    private const int GruRegisterWeights = 8;

    /// <summary>One state buffer: H values and zeros up to the lanes' last inner index.</summary>
    private const int GruStateStride = MaxGruHidden + MaxGruSlices * GruRegisterWeights;

    /// <summary>One dgh buffer of the backward kernel: 3H values and zeros up to the lanes' last register
    /// row.</summary>
    private const int GruGradientStride = 3 * MaxGruHidden + MaxGruSlices * 3 * GruRegisterWeights;

    /// <summary>Static shared memory of the tiled backward kernel beyond what GruSharedWeightLimit leaves
    /// out.</summary>
    private const int GruTiledBackwardExtraBytes = 2 * GruGradientStride * sizeof(float) - GruStaticSharedBytes;

    private Action<KernelConfig, GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>? _gruTiledForward,
        _gruTiledBackward;

    /// <summary>Whether the tiled kernels run the recurrence where their weights fit; false measures the sliced
    /// kernels instead (the environment variable SER_GRU_KERNEL=sliced sets it so for a whole `ser` run).</summary>
    public bool GruTiled { get; set; } = Environment.GetEnvironmentVariable("SER_GRU_KERNEL") != "sliced";

    /// <summary>Lanes per hidden unit: the largest power of two ≤ 8 that keeps the group within 1024
    /// threads.</summary>
    internal static int TiledLanes(int hidden)
    {
        int lanes = MaxGruSlices;
        while (lanes > 1 && lanes * RoundToWarp(hidden) > 1024)
            lanes /= 2;
        return lanes;
    }

    /// <summary>Weights per thread kept in shared memory: beyond 8 per gate row (forward), beyond 24 per column share
    /// (backward).</summary>
    private static int TiledSpill(int hidden, bool backward)
    {
        int lanes = TiledLanes(hidden);
        return backward
            ? XMath.Max((3 * hidden + lanes - 1) / lanes - 3 * GruRegisterWeights, 0)
            : 3 * XMath.Max((hidden + lanes - 1) / lanes - GruRegisterWeights, 0);
    }

    private static int TiledThreads(int hidden) => RoundToWarp(hidden) * TiledLanes(hidden);

    /// <summary>The kernel that runs the recurrence at this hidden size: "tiled" or "sliced".</summary>
    public string GruKernelName(int hidden, bool backward) =>
        (backward ? TiledBackward(hidden) : TiledForward(hidden)) ? "tiled" : "sliced";

    private bool TiledForward(int hidden) =>
        GruTiled && (long)TiledSpill(hidden, false) * TiledThreads(hidden) * sizeof(float) <= GruSharedWeightLimit;

    private bool TiledBackward(int hidden) =>
        GruTiled
        && (long)TiledSpill(hidden, true) * TiledThreads(hidden) * sizeof(float) + GruTiledBackwardExtraBytes
            <= GruSharedWeightLimit;

    private void GruTiledLaunch(
        bool backward,
        int directions,
        GruViews first,
        GruViews second,
        Tensor<int> lengths,
        Tensor<float> output,
        GruArgs args
    )
    {
        var kernel = backward
            ? _gruTiledBackward ??= LoadGruKernel(GruTiledBackwardKernel, GruTiledBackwardExtraBytes)
            : _gruTiledForward ??= LoadGruKernel(GruTiledForwardKernel);
        var config = new KernelConfig(
            new Index1D(directions * args.Batch),
            new Index1D(TiledThreads(args.Hidden)),
            SharedMemoryConfig.RequestDynamic<float>(
                XMath.Max(TiledSpill(args.Hidden, backward) * TiledThreads(args.Hidden), 1)
            )
        );
        kernel(config, first, second, D(lengths), D(output), args);
    }

    private static void GruTiledForwardKernel(
        GruViews first,
        GruViews second,
        ArrayView<int> lengths,
        ArrayView<float> output,
        GruArgs a
    )
    {
        var state = SharedMemory.Allocate<float>(2 * GruStateStride);
        var spilled = SharedMemory.GetDynamic<float>();
        var v = Grid.IdxX < a.Batch ? first : second;
        var me = new TiledThread(lengths, a);
        int hid = a.Hidden,
            spill = TiledSpill(hid, false) / 3, // per gate row
            threads = Group.DimX;
        var wr = Weights8.Load(v.Whh, 0, me.Unit, me.Lane, me.Lanes, hid);
        var wz = Weights8.Load(v.Whh, 1, me.Unit, me.Lane, me.Lanes, hid);
        var wn = Weights8.Load(v.Whh, 2, me.Unit, me.Lane, me.Lanes, hid);
        for (int j = 0; j < spill; j++)
        {
            int q = me.Lane + me.Lanes * (GruRegisterWeights + j),
                k = j * threads + Group.IdxX;
            spilled[k] = Weights8.Weight(v.Whh, 0, me.Unit, q, hid);
            spilled[spill * threads + k] = Weights8.Weight(v.Whh, 1, me.Unit, q, hid);
            spilled[2 * spill * threads + k] = Weights8.Weight(v.Whh, 2, me.Unit, q, hid);
        }
        for (int q = Group.IdxX; q < 2 * GruStateStride; q += threads)
            state[q] = 0f;
        var bias = new Float3();
        var next = new Float3();
        if (me.Owner)
            (bias, next) = GruOwnerStart(v, output, a, me.Utterance, me.Length, me.Unit);
        Group.Barrier();
        for (int s = 0; s < me.Length; s++)
        {
            int row = GruRow(v, me.Utterance, a.Steps, me.Length, s),
                current = (s & 1) * GruStateStride;
            var gi = next;
            if (me.Owner && s + 1 < me.Length)
                next = Load3(v.Gi, GruRow(v, me.Utterance, a.Steps, me.Length, s + 1) * 3 * hid, me.Unit, hid);
            var h = Weights8.Load(state, current + me.Lane, me.Lanes);
            float gr = wr.Dot(h),
                gz = wz.Dot(h),
                gn = wn.Dot(h);
            for (int j = 0; j < spill; j++)
            {
                float hq = state[current + me.Lane + me.Lanes * (GruRegisterWeights + j)];
                int k = j * threads + Group.IdxX;
                gr += spilled[k] * hq;
                gz += spilled[spill * threads + k] * hq;
                gn += spilled[2 * spill * threads + k] * hq;
            }
            for (int offset = me.Lanes / 2; offset > 0; offset /= 2)
            {
                gr += ILGPU.Warp.ShuffleXor(gr, offset);
                gz += ILGPU.Warp.ShuffleXor(gz, offset);
                gn += ILGPU.Warp.ShuffleXor(gn, offset);
            }
            if (me.Owner)
            {
                var recurrent = new Float3
                {
                    X = gr + bias.X,
                    Y = gz + bias.Y,
                    Z = gn + bias.Z,
                };
                // The other buffer: nobody reads it this step, and the barrier below orders it before the next.
                state[GruStateStride - current + me.Unit] = GruUpdate(
                    v,
                    output,
                    a,
                    row,
                    me.Unit,
                    gi,
                    recurrent,
                    state[current + me.Unit]
                );
            }
            Group.Barrier();
        }
    }

    private static void GruTiledBackwardKernel(
        GruViews first,
        GruViews second,
        ArrayView<int> lengths,
        ArrayView<float> dOutput,
        GruArgs a
    )
    {
        var dgh = SharedMemory.Allocate<float>(2 * GruGradientStride);
        var spilled = SharedMemory.GetDynamic<float>();
        var v = Grid.IdxX < a.Batch ? first : second;
        var me = new TiledThread(lengths, a);
        int hid = a.Hidden,
            spill = TiledSpill(hid, true),
            threads = Group.DimX;
        int block = GruRegisterWeights * me.Lanes;
        var w0 = Weights8.Column(v.Whh, me.Unit, me.Lane, me.Lanes, hid);
        var w1 = Weights8.Column(v.Whh, me.Unit, me.Lane + block, me.Lanes, hid);
        var w2 = Weights8.Column(v.Whh, me.Unit, me.Lane + 2 * block, me.Lanes, hid);
        for (int j = 0; j < spill; j++)
            spilled[j * threads + Group.IdxX] = Weights8.Entry(v.Whh, me.Lane + 3 * block + me.Lanes * j, me.Unit, hid);
        for (int i = Group.IdxX; i < 2 * GruGradientStride; i += threads)
            dgh[i] = 0f;
        float carry = 0f,
            direct = 0f;
        var next = new GruSaved();
        if (me.Owner)
            next = GruOwnerBackwardStart(v, dOutput, a, me.Utterance, me.Length, me.Unit);
        Group.Barrier();
        for (int s = me.Length - 1; s >= 0; s--)
        {
            int row = GruRow(v, me.Utterance, a.Steps, me.Length, s),
                current = (s & 1) * GruGradientStride;
            var saved = next;
            if (me.Owner && s > 0)
                next = GruSaved.Load(
                    v,
                    dOutput,
                    GruRow(v, me.Utterance, a.Steps, me.Length, s - 1),
                    me.Unit,
                    hid,
                    a.Width
                );
            if (me.Owner)
            {
                // This buffer was last read two steps ago, before the previous step's barrier.
                var step = GruGateGradients(v, saved, carry, row, me.Unit, hid);
                dgh[current + me.Unit] = step.Dgh.X;
                dgh[current + hid + me.Unit] = step.Dgh.Y;
                dgh[current + 2 * hid + me.Unit] = step.Dgh.Z;
                direct = step.Direct;
            }
            Group.Barrier();
            int start = current + me.Lane;
            float acc =
                w0.Dot(Weights8.Load(dgh, start, me.Lanes))
                + w1.Dot(Weights8.Load(dgh, start + block, me.Lanes))
                + w2.Dot(Weights8.Load(dgh, start + 2 * block, me.Lanes));
            for (int j = 0; j < spill; j++)
                acc += spilled[j * threads + Group.IdxX] * dgh[start + 3 * block + me.Lanes * j];
            for (int offset = me.Lanes / 2; offset > 0; offset /= 2)
                acc += ILGPU.Warp.ShuffleXor(acc, offset);
            if (me.Owner)
                carry = direct + acc;
        }
    }
}

/// <summary>Who a thread of a tiled GRU kernel is: lane Lane of Lanes for hidden unit Unit of utterance Utterance
/// (Length steps); the owner is lane 0 of a real unit.</summary>
public readonly struct TiledThread
{
    public readonly int Utterance,
        Length,
        Unit,
        Lane,
        Lanes;
    public readonly bool Owner;

    public TiledThread(ArrayView<int> lengths, GruArgs a)
    {
        Lanes = IlgpuBackend.TiledLanes(a.Hidden);
        Utterance = Grid.IdxX % a.Batch;
        Length = lengths[Utterance];
        Unit = Group.IdxX / Lanes;
        Lane = Group.IdxX % Lanes;
        Owner = Unit < a.Hidden && Lane == 0;
    }
}

/// <summary>Eight floats in registers: a thread's first eight weights of one gate row, or the eight state values
/// they multiply.</summary>
public struct Weights8
{
    public float W0,
        W1,
        W2,
        W3,
        W4,
        W5,
        W6,
        W7;

    /// <summary>W_hh[g·H + u, lane + lanes·j] for j = 0..7, zero outside the matrix.</summary>
    public static Weights8 Load(ArrayView<float> whh, int g, int u, int lane, int lanes, int hid) =>
        new()
        {
            W0 = Weight(whh, g, u, lane, hid),
            W1 = Weight(whh, g, u, lane + lanes, hid),
            W2 = Weight(whh, g, u, lane + 2 * lanes, hid),
            W3 = Weight(whh, g, u, lane + 3 * lanes, hid),
            W4 = Weight(whh, g, u, lane + 4 * lanes, hid),
            W5 = Weight(whh, g, u, lane + 5 * lanes, hid),
            W6 = Weight(whh, g, u, lane + 6 * lanes, hid),
            W7 = Weight(whh, g, u, lane + 7 * lanes, hid),
        };

    /// <summary>W_hh[start + stride·j, u] for j = 0..7 (W_hh [3H, H]), zero outside the matrix.</summary>
    public static Weights8 Column(ArrayView<float> whh, int u, int start, int stride, int hid) =>
        new()
        {
            W0 = Entry(whh, start, u, hid),
            W1 = Entry(whh, start + stride, u, hid),
            W2 = Entry(whh, start + 2 * stride, u, hid),
            W3 = Entry(whh, start + 3 * stride, u, hid),
            W4 = Entry(whh, start + 4 * stride, u, hid),
            W5 = Entry(whh, start + 5 * stride, u, hid),
            W6 = Entry(whh, start + 6 * stride, u, hid),
            W7 = Entry(whh, start + 7 * stride, u, hid),
        };

    /// <summary>W_hh[i, u], zero outside the matrix.</summary>
    public static float Entry(ArrayView<float> whh, int i, int u, int hid) =>
        u < hid && i < 3 * hid ? whh[i * hid + u] : 0f;

    /// <summary>x[start + stride·j] for j = 0..7.</summary>
    public static Weights8 Load(ArrayView<float> x, int start, int stride) =>
        new()
        {
            W0 = x[start],
            W1 = x[start + stride],
            W2 = x[start + 2 * stride],
            W3 = x[start + 3 * stride],
            W4 = x[start + 4 * stride],
            W5 = x[start + 5 * stride],
            W6 = x[start + 6 * stride],
            W7 = x[start + 7 * stride],
        };

    /// <summary>W_hh[g·H + u, q] (W_hh [3H, H]), zero outside the matrix.</summary>
    public static float Weight(ArrayView<float> whh, int g, int u, int q, int hid) =>
        u < hid && q < hid ? whh[(g * hid + u) * hid + q] : 0f;

    public readonly float Dot(Weights8 x) =>
        W0 * x.W0 + W1 * x.W1 + W2 * x.W2 + W3 * x.W3 + W4 * x.W4 + W5 * x.W5 + W6 * x.W6 + W7 * x.W7;
}
