using System.Numerics.Tensors;

namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // p = softmax(x), W = Σ_b w_b (w_b = row b's weight, 1 without weights), y = onehot(target):
    //   L1: L = Σ_b w_b Σ_c |p_bc − y_bc| / (C·W);  g_bc = w_b sign(p_bc − y_bc)/(C·W);  dx_b = p_b ⊙ (g_b − (g_b·p_b))
    //   CE: L = −Σ_b w_b log p_b,target / W;       dx_b = w_b (p_b − y_b) / W
    //   (log p_y = x_y − max − log Σ_c exp(x_c − max): finite even when p_y underflows to 0 in float)
    // With a class mask (bit c of mask_b set: row b's softmax includes class c), the softmax runs over row b's
    // classes only: a class outside it has p_bc = 0 = y_bc, so it adds nothing to L and gets dx_bc = 0.
    public double SoftmaxLoss(
        Tensor<T> logits,
        Tensor<int> targets,
        Tensor<T>? weights,
        Tensor<int>? classMask,
        LossKind kind,
        Tensor<T> probs,
        Tensor<T> dLogits
    )
    {
        var ys = Ints(targets);
        int batch = ys.Length,
            classes = logits.Dim(-1);
        bool masked = classMask is not null;
        var masks = masked ? Ints(classMask!) : default;
        if (masked && classes > 31)
            throw new ArgumentException($"a class mask holds 31 classes, not {classes}");
        var x = Span(logits);
        var p = Span(probs);
        var dx = Span(dLogits);
        var w = weights is null ? default : Span(weights);
        T total = T.Zero,
            norm = T.Zero;
        for (int b = 0; b < batch; b++)
        {
            if ((uint)ys[b] >= (uint)classes)
                throw new ArgumentException($"target {ys[b]} outside 0..{classes - 1}");
            if (masked && (masks[b] >> ys[b] & 1) == 0)
                throw new ArgumentException($"target {ys[b]} of row {b} is outside its class mask {masks[b]:x}");
            norm += w.IsEmpty ? T.One : w[b];
        }
        T cScale = kind == LossKind.L1 ? T.One / T.CreateChecked(classes) : T.One;
        for (int b = 0; b < batch; b++)
        {
            int y = ys[b];
            T wb = (w.IsEmpty ? T.One : w[b]) / norm;
            var xb = x.Slice(b * classes, classes);
            var pb = p.Slice(b * classes, classes);
            var db = dx.Slice(b * classes, classes);
            var (max, logSum) = masked ? MaskedSoftmaxOf(xb, pb, masks[b]) : SoftmaxOf(xb, pb);
            if (kind == LossKind.CrossEntropy)
            {
                total += wb * (logSum - (xb[y] - max));
                for (int c = 0; c < classes; c++)
                    db[c] = wb * (pb[c] - (c == y ? T.One : T.Zero));
                continue;
            }
            T gp = T.Zero;
            for (int c = 0; c < classes; c++)
            {
                T diff = pb[c] - (c == y ? T.One : T.Zero);
                total += wb * cScale * T.Abs(diff);
                db[c] = wb * cScale * T.CreateChecked(T.Sign(diff));
                gp += db[c] * pb[c];
            }
            for (int c = 0; c < classes; c++)
                db[c] = pb[c] * (db[c] - gp);
        }
        return double.CreateChecked(total);
    }

    /// <summary>p = softmax(x); returns max x and log Σ_c exp(x_c − max).</summary>
    private static (T Max, T LogSum) SoftmaxOf(ReadOnlySpan<T> x, Span<T> p)
    {
        Softmax.Apply(x, p);
        T max = TensorPrimitives.Max(x),
            sum = T.Zero;
        foreach (var v in x)
            sum += T.Exp(v - max);
        return (max, T.Log(sum));
    }

    /// <summary>p = softmax over the classes whose bit is set in mask, 0 elsewhere; returns their max and
    /// log Σ exp(x_c − max).</summary>
    private static (T Max, T LogSum) MaskedSoftmaxOf(ReadOnlySpan<T> x, Span<T> p, int mask)
    {
        T max = T.NegativeInfinity,
            sum = T.Zero;
        for (int c = 0; c < x.Length; c++)
            if ((mask >> c & 1) != 0)
                max = T.Max(max, x[c]);
        for (int c = 0; c < x.Length; c++)
        {
            p[c] = (mask >> c & 1) != 0 ? T.Exp(x[c] - max) : T.Zero;
            sum += p[c];
        }
        for (int c = 0; c < x.Length; c++)
            p[c] /= sum;
        return (max, T.Log(sum));
    }

    // ŷ_b = r·tanh(z_b);  L = (1/B) Σ_b |ŷ_b − y_b|;  dz_b = sign(ŷ_b − y_b)·r·(1 − tanh²(z_b)) / B
    public double RegressionLoss(
        Tensor<T> outputs,
        Tensor<T> targets,
        double range,
        Tensor<T> predictions,
        Tensor<T> dOutputs
    )
    {
        var z = Span(outputs);
        var y = Span(targets);
        var p = Span(predictions);
        var dz = Span(dOutputs);
        T r = T.CreateChecked(range),
            inv = T.One / T.CreateChecked(z.Length),
            total = T.Zero;
        for (int b = 0; b < z.Length; b++)
        {
            T t = T.Tanh(z[b]);
            p[b] = r * t;
            total += T.Abs(p[b] - y[b]);
            dz[b] = T.CreateChecked(T.Sign(p[b] - y[b])) * r * (T.One - t * t) * inv;
        }
        return double.CreateChecked(total * inv);
    }
}
