using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape of one GRU direction launch.</summary>
public readonly record struct GruArgs(int Steps, int Hidden, int Width, int Column, int Reverse);

// Bi-GRU recurrence, one direction per launch (formulas in CpuBackend.Gru.cs). The input projection for all steps is
// one GEMM before this; here one thread group per utterance walks all its steps inside the kernel (no launch or host
// sync per step), thread j owning hidden unit j, the state h in shared memory, a group barrier between steps.
// Forward FLOPs ≈ B·T·(6H² + 20H); backward ≈ B·T·(6H² + 20H); minimal bytes ≈ 4·B·T·(3H + 4H + 2H) + 12H².
public sealed partial class IlgpuBackend
{
    /// <summary>Largest hidden size the recurrence kernels take (one thread per unit, state in shared memory).</summary>
    public const int MaxGruHidden = 1024;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GruArgs>? _gruForward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, GruArgs>? _gruBackward;

    public void GruForward(Tensor<float> gi, Tensor<float> whh, Tensor<float> bhh, Tensor<int> lengths, bool reverse,
        Tensor<float> output, int column, Tensor<float> gates, Tensor<float> hprev)
    {
        int batch = lengths.Length, steps = gi.Dim(1), hidden = whh.Dim(1);
        CheckHidden(hidden);
        CheckLength(gi, batch * steps * 3 * hidden, "gru gi");
        CheckLength(gates, batch * steps * 4 * hidden, "gru gates");
        _gruForward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, GruArgs>(GruForwardKernel);
        _gruForward(new KernelConfig(batch, RoundToWarp(hidden)), D(gi), D(whh), D(bhh), D(lengths), D(output), D(gates), D(hprev),
            new GruArgs(steps, hidden, output.Dim(2), column, reverse ? 1 : 0));
    }

    public void GruBackward(Tensor<float> dOutput, int column, Tensor<float> whh, Tensor<float> gates, Tensor<float> hprev,
        Tensor<int> lengths, bool reverse, Tensor<float> dGi, Tensor<float> dGh)
    {
        int batch = lengths.Length, steps = dGi.Dim(1), hidden = whh.Dim(1);
        CheckHidden(hidden);
        CheckLength(dGi, batch * steps * 3 * hidden, "gru dGi");
        _gruBackward ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>,
            ArrayView<float>, ArrayView<float>, GruArgs>(GruBackwardKernel);
        _gruBackward(new KernelConfig(batch, RoundToWarp(hidden)), D(dOutput), D(whh), D(gates), D(hprev), D(lengths), D(dGi), D(dGh),
            new GruArgs(steps, hidden, dOutput.Dim(2), column, reverse ? 1 : 0));
    }

    private static void CheckHidden(int hidden)
    {
        if (hidden is < 1 or > MaxGruHidden) throw new ArgumentException($"GRU hidden size {hidden} outside 1..{MaxGruHidden}");
    }

    private static int RoundToWarp(int n) => (n + 31) / 32 * 32;

    private static float Sigmoid(float x) => 1f / (1f + XMath.Exp(-x));

    private static void GruForwardKernel(ArrayView<float> gi, ArrayView<float> whh, ArrayView<float> bhh, ArrayView<int> lengths,
        ArrayView<float> output, ArrayView<float> gates, ArrayView<float> hprev, GruArgs a)
    {
        var h = SharedMemory.Allocate<float>(MaxGruHidden);
        int b = Grid.IdxX, j = Group.IdxX, hid = a.Hidden, len = lengths[b];
        bool active = j < hid;
        if (active) h[j] = 0f;
        for (int t = len; t < a.Steps && active; t++)
        {
            int row = b * a.Steps + t;
            output[row * a.Width + a.Column + j] = 0f;
            hprev[row * hid + j] = 0f;
            for (int q = 0; q < 4; q++) gates[row * 4 * hid + q * hid + j] = 0f;
        }
        Group.Barrier();
        for (int s = 0; s < len; s++)
        {
            int t = a.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            float hNew = 0f;
            if (active)
            {
                float gr = bhh[j], gz = bhh[hid + j], gn = bhh[2 * hid + j];
                for (int q = 0; q < hid; q++)
                {
                    float hq = h[q];
                    gr += whh[j * hid + q] * hq;
                    gz += whh[(hid + j) * hid + q] * hq;
                    gn += whh[(2 * hid + j) * hid + q] * hq;
                }
                int g = row * 3 * hid;
                float r = Sigmoid(gi[g + j] + gr);
                float z = Sigmoid(gi[g + hid + j] + gz);
                float n = XMath.Tanh(gi[g + 2 * hid + j] + r * gn);
                float hOld = h[j];
                hNew = (1f - z) * n + z * hOld;
                int c = row * 4 * hid;
                gates[c + j] = r;
                gates[c + hid + j] = z;
                gates[c + 2 * hid + j] = n;
                gates[c + 3 * hid + j] = gn;
                hprev[row * hid + j] = hOld;
                output[row * a.Width + a.Column + j] = hNew;
            }
            Group.Barrier();
            if (active) h[j] = hNew;
            Group.Barrier();
        }
    }

    private static void GruBackwardKernel(ArrayView<float> dOutput, ArrayView<float> whh, ArrayView<float> gates, ArrayView<float> hprev,
        ArrayView<int> lengths, ArrayView<float> dGi, ArrayView<float> dGh, GruArgs a)
    {
        var dgh = SharedMemory.Allocate<float>(3 * MaxGruHidden);
        int b = Grid.IdxX, j = Group.IdxX, hid = a.Hidden, len = lengths[b];
        bool active = j < hid;
        for (int t = len; t < a.Steps && active; t++)
        {
            int row = b * a.Steps + t;
            for (int q = 0; q < 3; q++)
            {
                dGi[row * 3 * hid + q * hid + j] = 0f;
                dGh[row * 3 * hid + q * hid + j] = 0f;
            }
        }
        float carry = 0f;
        for (int s = len - 1; s >= 0; s--)
        {
            int t = a.Reverse != 0 ? len - 1 - s : s;
            int row = b * a.Steps + t;
            float direct = 0f;
            if (active)
            {
                float delta = carry + dOutput[row * a.Width + a.Column + j];
                int c = row * 4 * hid;
                float r = gates[c + j], z = gates[c + hid + j], n = gates[c + 2 * hid + j], gn = gates[c + 3 * hid + j];
                float dn = delta * (1f - z);
                float dz = delta * (hprev[row * hid + j] - n);
                float dan = dn * (1f - n * n);
                float daz = dz * z * (1f - z);
                float dar = dan * gn * r * (1f - r);
                int g = row * 3 * hid;
                dGi[g + j] = dar;
                dGi[g + hid + j] = daz;
                dGi[g + 2 * hid + j] = dan;
                dGh[g + j] = dar;
                dGh[g + hid + j] = daz;
                dGh[g + 2 * hid + j] = dan * r;
                dgh[j] = dar;
                dgh[hid + j] = daz;
                dgh[2 * hid + j] = dan * r;
                direct = delta * z;
            }
            Group.Barrier();
            if (active)
            {
                float acc = direct;
                for (int i = 0; i < 3 * hid; i++) acc += dgh[i] * whh[i * hid + j];
                carry = acc;
            }
            Group.Barrier();
        }
    }
}
