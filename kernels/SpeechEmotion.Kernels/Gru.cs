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
// one launch runs both directions: thread group g handles utterance g mod B in direction g / B and walks all its steps
// inside the kernel (no launch or host sync per step), thread j owning hidden unit j, the state in shared memory, a
// group barrier between steps.
// Forward FLOPs ≈ D·B·T·(6H² + 20H); backward ≈ D·B·T·(6H² + 20H); minimal bytes ≈ 4·D·(B·T·(3H + 4H + 2H) + 3H²).
public sealed partial class IlgpuBackend
{
    /// <summary>Largest hidden size the recurrence kernels take (one thread per unit, state in shared memory).</summary>
    public const int MaxGruHidden = 1024;

    private Action<KernelConfig, GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>? _gruForward, _gruBackward;

    public void GruForward(IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths, Tensor<float> output)
    {
        var (first, second, args) = Launch(directions, lengths, output, backward: false);
        _gruForward ??= Accelerator.LoadStreamKernel<GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>(GruForwardKernel);
        _gruForward(new KernelConfig(directions.Count * args.Batch, RoundToWarp(args.Hidden)), first, second, D(lengths), D(output), args);
    }

    public void GruBackward(Tensor<float> dOutput, IReadOnlyList<GruDirection<float>> directions, Tensor<int> lengths)
    {
        var (first, second, args) = Launch(directions, lengths, dOutput, backward: true);
        _gruBackward ??= Accelerator.LoadStreamKernel<GruViews, GruViews, ArrayView<int>, ArrayView<float>, GruArgs>(GruBackwardKernel);
        _gruBackward(new KernelConfig(directions.Count * args.Batch, RoundToWarp(args.Hidden)), first, second, D(lengths), D(dOutput), args);
    }

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
        var v = Grid.IdxX < a.Batch ? first : second;
        int b = Grid.IdxX % a.Batch, j = Group.IdxX, hid = a.Hidden, len = lengths[b];
        bool active = j < hid;
        if (active) h[j] = 0f;
        for (int t = len; t < a.Steps && active; t++)
        {
            int row = b * a.Steps + t;
            output[row * a.Width + v.Column + j] = 0f;
            v.Hprev[row * hid + j] = 0f;
            for (int q = 0; q < 4; q++) v.Gates[row * 4 * hid + q * hid + j] = 0f;
        }
        Group.Barrier();
        for (int s = 0; s < len; s++)
        {
            int t = v.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            float hNew = 0f;
            if (active)
            {
                float gr = v.Bhh[j], gz = v.Bhh[hid + j], gn = v.Bhh[2 * hid + j];
                for (int q = 0; q < hid; q++)
                {
                    float hq = h[q];
                    gr += v.Whh[j * hid + q] * hq;
                    gz += v.Whh[(hid + j) * hid + q] * hq;
                    gn += v.Whh[(2 * hid + j) * hid + q] * hq;
                }
                int g = row * 3 * hid;
                float r = Sigmoid(v.Gi[g + j] + gr);
                float z = Sigmoid(v.Gi[g + hid + j] + gz);
                float n = XMath.Tanh(v.Gi[g + 2 * hid + j] + r * gn);
                float hOld = h[j];
                hNew = (1f - z) * n + z * hOld;
                int c = row * 4 * hid;
                v.Gates[c + j] = r;
                v.Gates[c + hid + j] = z;
                v.Gates[c + 2 * hid + j] = n;
                v.Gates[c + 3 * hid + j] = gn;
                v.Hprev[row * hid + j] = hOld;
                output[row * a.Width + v.Column + j] = hNew;
            }
            Group.Barrier();
            if (active) h[j] = hNew;
            Group.Barrier();
        }
    }

    private static void GruBackwardKernel(GruViews first, GruViews second, ArrayView<int> lengths, ArrayView<float> dOutput, GruArgs a)
    {
        var dgh = SharedMemory.Allocate<float>(3 * MaxGruHidden);
        var v = Grid.IdxX < a.Batch ? first : second;
        int b = Grid.IdxX % a.Batch, j = Group.IdxX, hid = a.Hidden, len = lengths[b];
        bool active = j < hid;
        for (int t = len; t < a.Steps && active; t++)
        {
            int row = b * a.Steps + t;
            for (int q = 0; q < 3; q++)
            {
                v.DGi[row * 3 * hid + q * hid + j] = 0f;
                v.DGh[row * 3 * hid + q * hid + j] = 0f;
            }
        }
        float carry = 0f;
        for (int s = len - 1; s >= 0; s--)
        {
            int t = v.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            float direct = 0f;
            if (active)
            {
                float delta = carry + dOutput[row * a.Width + v.Column + j];
                int c = row * 4 * hid;
                float r = v.Gates[c + j], z = v.Gates[c + hid + j], n = v.Gates[c + 2 * hid + j], gn = v.Gates[c + 3 * hid + j];
                float dn = delta * (1f - z);
                float dz = delta * (v.Hprev[row * hid + j] - n);
                float dan = dn * (1f - n * n);
                float daz = dz * z * (1f - z);
                float dar = dan * gn * r * (1f - r);
                int g = row * 3 * hid;
                v.DGi[g + j] = dar;
                v.DGi[g + hid + j] = daz;
                v.DGi[g + 2 * hid + j] = dan;
                v.DGh[g + j] = dar;
                v.DGh[g + hid + j] = daz;
                v.DGh[g + 2 * hid + j] = dan * r;
                dgh[j] = dar;
                dgh[hid + j] = daz;
                dgh[2 * hid + j] = dan * r;
                direct = delta * z;
            }
            Group.Barrier();
            if (active)
            {
                float acc = direct;
                for (int i = 0; i < 3 * hid; i++) acc += dgh[i] * v.Whh[i * hid + j];
                carry = acc;
            }
            Group.Barrier();
        }
    }
}
