using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Kernels;

/// <summary>Shape and options of one softmax-loss launch.</summary>
public readonly record struct LossArgs(int Batch, int Classes, int Kind, int Weighted, int Masked);

// Softmax + L1 / cross-entropy, optionally over each row's class mask (formulas in CpuBackend.Losses.cs): one thread
// per utterance; the per-utterance losses are summed on the host after one B-float download, the only read-back of a
// training step. FLOPs ≈ 10·B·C.
public sealed partial class IlgpuBackend
{
    private Action<
        Index1D,
        ArrayView<float>,
        ArrayView<int>,
        ArrayView<float>,
        ArrayView<int>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        LossArgs
    >? _loss;

    public double SoftmaxLoss(
        Tensor<float> logits,
        Tensor<int> targets,
        Tensor<float>? weights,
        Tensor<int>? classMask,
        LossKind kind,
        Tensor<float> probs,
        Tensor<float> dLogits
    )
    {
        int batch = targets.Length,
            classes = logits.Dim(-1);
        var rowLoss = Scratch("loss", batch);
        var rowWeights = weights is null ? rowLoss : Gpu(weights);
        if (classMask is not null && classes > 31)
            throw new ArgumentException($"a class mask holds 31 classes, not {classes}");
        _loss ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            ArrayView<int>,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            LossArgs
        >(SoftmaxLossKernel);
        _loss(
            batch,
            D(logits),
            D(targets),
            rowWeights.Data,
            D(classMask ?? targets),
            D(probs),
            D(dLogits),
            rowLoss.Data,
            new LossArgs(
                batch,
                classes,
                kind == LossKind.L1 ? 0 : 1,
                weights is null ? 0 : 1,
                classMask is null ? 0 : 1
            )
        );
        var host = new float[batch];
        rowLoss.View.SubView(0, batch).CopyToCPU(Stream, host);
        Stream.Synchronize();
        double total = 0;
        foreach (var v in host)
            total += v;
        return total;
    }

    private static void SoftmaxLossKernel(
        Index1D b,
        ArrayView<float> logits,
        ArrayView<int> targets,
        ArrayView<float> weights,
        ArrayView<int> masks,
        ArrayView<float> probs,
        ArrayView<float> dLogits,
        ArrayView<float> rowLoss,
        LossArgs a
    )
    {
        float norm = 0;
        for (int k = 0; k < a.Batch; k++)
            norm += a.Weighted != 0 ? weights[k] : 1f;
        int y = targets[b],
            row = b * a.Classes,
            mask = a.Masked != 0 ? masks[b] : -1; // bit c set: class c is in the row's softmax
        float w = (a.Weighted != 0 ? weights[b] : 1f) / norm;
        float max = float.NegativeInfinity;
        for (int c = 0; c < a.Classes; c++)
            if ((mask >> c & 1) != 0)
                max = XMath.Max(max, logits[row + c]);
        float sum = 0;
        for (int c = 0; c < a.Classes; c++)
            if ((mask >> c & 1) != 0)
                sum += XMath.Exp(logits[row + c] - max);
        float loss = 0,
            gp = 0,
            cScale = a.Kind == 0 ? 1f / a.Classes : 1f;
        for (int c = 0; c < a.Classes; c++)
        {
            float p = (mask >> c & 1) != 0 ? XMath.Exp(logits[row + c] - max) / sum : 0f;
            probs[row + c] = p;
            float diff = p - (c == y ? 1f : 0f);
            if (a.Kind == 0)
            {
                float g =
                    w
                    * cScale
                    * (
                        diff > 0f ? 1f
                        : diff < 0f ? -1f
                        : 0f
                    );
                loss += w * cScale * XMath.Abs(diff);
                dLogits[row + c] = g;
                gp += g * p;
            }
            else
            {
                dLogits[row + c] = w * diff;
                if (c == y)
                    loss = w * (XMath.Log(sum) - (logits[row + c] - max)); // log-sum-exp: finite even when p underflows
            }
        }
        if (a.Kind == 0)
            for (int c = 0; c < a.Classes; c++)
                dLogits[row + c] = probs[row + c] * (dLogits[row + c] - gp);
        rowLoss[b] = loss;
    }

    private Action<
        Index1D,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        ArrayView<float>,
        float
    >? _regression;

    // Regression head + L1 (formulas in CpuBackend.Losses.cs): one thread per utterance, B floats read back.
    public double RegressionLoss(
        Tensor<float> outputs,
        Tensor<float> targets,
        double range,
        Tensor<float> predictions,
        Tensor<float> dOutputs
    )
    {
        int batch = targets.Length;
        var rowLoss = Scratch("loss", batch);
        _regression ??= Accelerator.LoadAutoGroupedStreamKernel<
            Index1D,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            ArrayView<float>,
            float
        >(RegressionLossKernel);
        _regression(batch, D(outputs), D(targets), D(predictions), D(dOutputs), rowLoss.Data, (float)range);
        var host = new float[batch];
        rowLoss.View.SubView(0, batch).CopyToCPU(Stream, host);
        Stream.Synchronize();
        double total = 0;
        foreach (var v in host)
            total += v;
        return total / batch;
    }

    private static void RegressionLossKernel(
        Index1D b,
        ArrayView<float> z,
        ArrayView<float> y,
        ArrayView<float> p,
        ArrayView<float> dz,
        ArrayView<float> rowLoss,
        float range
    )
    {
        float t = XMath.Tanh(z[b]);
        float prediction = range * t,
            diff = prediction - y[b];
        p[b] = prediction;
        rowLoss[b] = XMath.Abs(diff);
        dz[b] =
            (
                diff > 0f ? 1f
                : diff < 0f ? -1f
                : 0f
            )
            * range
            * (1f - t * t)
            / (int)y.Length;
    }
}
