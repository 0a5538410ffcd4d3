using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape of one attention launch.</summary>
public readonly record struct AttentionArgs(int Steps, int Embed, int Heads, int HeadSize, float Scale);

// Multi-head attention core (formulas in CpuBackend.Attention.cs). One warp (32 threads) per query row (b, head, i):
// lanes stride over keys for scores and softmax (warp-shuffle max and sum), then over the head's dimensions for the
// context. Backward: kernel 1 (one warp per query row) forms dS and dq; kernel 2 (one warp per key row) sums dk and dv,
// so no atomics are needed. FLOPs ≈ 4·B·h·T²·d forward, 8·B·h·T²·d backward; bytes ≈ 4·B·(3TE + hT² + TE).
public sealed partial class IlgpuBackend
{
    private const int Warp = 32;

    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AttentionArgs, DropoutSpec>? _attention;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AttentionArgs, DropoutSpec>? _attentionBackwardQ;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AttentionArgs, DropoutSpec>? _attentionBackwardKv;

    public void AttentionForward(Tensor<float> qkv, Tensor<int> lengths, int heads, DropoutSpec dropout, Tensor<float> probs, Tensor<float> context)
    {
        var args = Args(qkv, heads);
        int batch = lengths.Length;
        CheckLength(probs, batch * heads * args.Steps * args.Steps, "attention probs");
        _attention ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, AttentionArgs, DropoutSpec>(AttentionForwardKernel);
        _attention(new KernelConfig(batch * heads * args.Steps, Warp), D(qkv), D(lengths), D(probs), D(context), args, dropout);
    }

    public void AttentionBackward(Tensor<float> dContext, Tensor<float> qkv, Tensor<float> probs, Tensor<int> lengths, int heads,
        DropoutSpec dropout, Tensor<float> dQkv)
    {
        var args = Args(qkv, heads);
        int rows = lengths.Length * heads * args.Steps;
        var dS = Scratch("attention-dS", rows * args.Steps);
        _attentionBackwardQ ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, AttentionArgs, DropoutSpec>(AttentionBackwardQueryKernel);
        _attentionBackwardKv ??= Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>,
            ArrayView<float>, AttentionArgs, DropoutSpec>(AttentionBackwardKeyValueKernel);
        var config = new KernelConfig(rows, Warp);
        _attentionBackwardQ(config, D(dContext), D(qkv), D(probs), D(lengths), dS.Data, D(dQkv), args, dropout);
        _attentionBackwardKv(config, D(dContext), D(qkv), D(probs), D(lengths), dS.Data, D(dQkv), args, dropout);
    }

    private static AttentionArgs Args(Tensor<float> qkv, int heads)
    {
        int embed = qkv.Dim(2) / 3;
        if (heads < 1 || embed % heads != 0) throw new ArgumentException($"{heads} heads do not divide the embedding size {embed}");
        return new AttentionArgs(qkv.Dim(1), embed, heads, embed / heads, 1f / MathF.Sqrt(embed / heads));
    }

    private static float WarpMax(float v)
    {
        for (int offset = Warp / 2; offset > 0; offset /= 2) v = XMath.Max(v, ILGPU.Warp.ShuffleXor(v, offset));
        return v;
    }

    private static float WarpSum(float v)
    {
        for (int offset = Warp / 2; offset > 0; offset /= 2) v += ILGPU.Warp.ShuffleXor(v, offset);
        return v;
    }

    private static float KeepFactor(in DropoutSpec spec, int index) => spec.P > 0f ? Philox.Keep(spec, index) : 1f;

    private static void AttentionForwardKernel(ArrayView<float> qkv, ArrayView<int> lengths, ArrayView<float> probs, ArrayView<float> context,
        AttentionArgs a, DropoutSpec dropout)
    {
        int rowIndex = Grid.IdxX, lane = Group.IdxX;
        int i = rowIndex % a.Steps, bh = rowIndex / a.Steps, b = bh / a.Heads, head = bh % a.Heads, len = lengths[b];
        int stride = 3 * a.Embed, baseRow = b * a.Steps;
        int pRow = rowIndex * a.Steps;
        int q = (baseRow + i) * stride + head * a.HeadSize;
        int ctx = (baseRow + i) * a.Embed + head * a.HeadSize;
        if (i >= len)
        {
            for (int j = lane; j < a.Steps; j += Warp) probs[pRow + j] = 0f;
            for (int d = lane; d < a.HeadSize; d += Warp) context[ctx + d] = 0f;
            return;
        }
        float max = float.NegativeInfinity;
        for (int j = lane; j < a.Steps; j += Warp)
        {
            if (j >= len) { probs[pRow + j] = 0f; continue; }
            int k = (baseRow + j) * stride + a.Embed + head * a.HeadSize;
            float s = 0;
            for (int d = 0; d < a.HeadSize; d++) s += qkv[q + d] * qkv[k + d];
            s *= a.Scale;
            probs[pRow + j] = s;
            max = XMath.Max(max, s);
        }
        max = WarpMax(max);
        float sum = 0;
        for (int j = lane; j < len; j += Warp)
        {
            float e = XMath.Exp(probs[pRow + j] - max);
            probs[pRow + j] = e;
            sum += e;
        }
        float inv = 1f / WarpSum(sum);
        for (int j = lane; j < len; j += Warp) probs[pRow + j] *= inv;
        Group.Barrier();
        for (int d = lane; d < a.HeadSize; d += Warp)
        {
            float c = 0;
            for (int j = 0; j < len; j++)
                c += probs[pRow + j] * KeepFactor(dropout, pRow + j) * qkv[(baseRow + j) * stride + 2 * a.Embed + head * a.HeadSize + d];
            context[ctx + d] = c;
        }
    }

    // Query side: dP_ij = m_ij (g_i·v_j), dS_ij = s·P_ij (dP_ij − Σ_k P_ik dP_ik) stored for kernel 2, dq_i = Σ_j dS_ij k_j.
    private static void AttentionBackwardQueryKernel(ArrayView<float> dContext, ArrayView<float> qkv, ArrayView<float> probs, ArrayView<int> lengths,
        ArrayView<float> dS, ArrayView<float> dQkv, AttentionArgs a, DropoutSpec dropout)
    {
        int rowIndex = Grid.IdxX, lane = Group.IdxX;
        int i = rowIndex % a.Steps, bh = rowIndex / a.Steps, b = bh / a.Heads, head = bh % a.Heads, len = lengths[b];
        int stride = 3 * a.Embed, baseRow = b * a.Steps, pRow = rowIndex * a.Steps;
        int dq = (baseRow + i) * stride + head * a.HeadSize;
        if (i >= len)
        {
            for (int d = lane; d < a.HeadSize; d += Warp) dQkv[dq + d] = 0f;
            return;
        }
        int g = (baseRow + i) * a.Embed + head * a.HeadSize;
        float dot = 0;
        for (int j = lane; j < len; j += Warp)
        {
            int v = (baseRow + j) * stride + 2 * a.Embed + head * a.HeadSize;
            float gv = 0;
            for (int d = 0; d < a.HeadSize; d++) gv += dContext[g + d] * qkv[v + d];
            float dp = KeepFactor(dropout, pRow + j) * gv;
            dS[pRow + j] = dp;
            dot += probs[pRow + j] * dp;
        }
        dot = WarpSum(dot);
        for (int j = lane; j < len; j += Warp) dS[pRow + j] = a.Scale * probs[pRow + j] * (dS[pRow + j] - dot);
        Group.Barrier();
        for (int d = lane; d < a.HeadSize; d += Warp)
        {
            float acc = 0;
            for (int j = 0; j < len; j++) acc += dS[pRow + j] * qkv[(baseRow + j) * stride + a.Embed + head * a.HeadSize + d];
            dQkv[dq + d] = acc;
        }
    }

    // Key/value side, one warp per key row j: dk_j = Σ_i dS_ij q_i, dv_j = Σ_i P_ij m_ij g_i.
    private static void AttentionBackwardKeyValueKernel(ArrayView<float> dContext, ArrayView<float> qkv, ArrayView<float> probs, ArrayView<int> lengths,
        ArrayView<float> dS, ArrayView<float> dQkv, AttentionArgs a, DropoutSpec dropout)
    {
        int rowIndex = Grid.IdxX, lane = Group.IdxX;
        int j = rowIndex % a.Steps, bh = rowIndex / a.Steps, b = bh / a.Heads, head = bh % a.Heads, len = lengths[b];
        int stride = 3 * a.Embed, baseRow = b * a.Steps, pBase = bh * a.Steps * a.Steps;
        int dk = (baseRow + j) * stride + a.Embed + head * a.HeadSize, dv = dk + a.Embed;
        for (int d = lane; d < a.HeadSize; d += Warp)
        {
            float accK = 0, accV = 0;
            if (j < len)
            {
                for (int i = 0; i < len; i++)
                {
                    int p = pBase + i * a.Steps + j;
                    accK += dS[p] * qkv[(baseRow + i) * stride + head * a.HeadSize + d];
                    accV += probs[p] * KeepFactor(dropout, p) * dContext[(baseRow + i) * a.Embed + head * a.HeadSize + d];
                }
            }
            dQkv[dk + d] = accK;
            dQkv[dv + d] = accV;
        }
    }
}
