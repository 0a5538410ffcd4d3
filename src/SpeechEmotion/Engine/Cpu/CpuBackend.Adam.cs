namespace SpeechEmotion.Engine.Cpu;

public sealed partial class CpuBackend<T>
{
    // θ ← θ(1 − lr·wd);  m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;
    // θ ← θ − lr · (m / (1−β1^t)) / (√(v / (1−β2^t)) + ε)
    public void AdamStep(Tensor<T> values, Tensor<T> grads, Tensor<T> m, Tensor<T> v, AdamSettings s, int step)
    {
        var th = Span(values);
        var g = Span(grads);
        var ms = Span(m);
        var vs = Span(v);
        T lr = T.CreateChecked(s.LearningRate),
            b1 = T.CreateChecked(s.Beta1),
            b2 = T.CreateChecked(s.Beta2);
        T eps = T.CreateChecked(s.Epsilon),
            decay = T.One - T.CreateChecked(s.LearningRate * s.WeightDecay);
        T c1 = T.One - T.CreateChecked(Math.Pow(s.Beta1, step)),
            c2 = T.One - T.CreateChecked(Math.Pow(s.Beta2, step));
        for (int i = 0; i < th.Length; i++)
        {
            ms[i] = b1 * ms[i] + (T.One - b1) * g[i];
            vs[i] = b2 * vs[i] + (T.One - b2) * g[i] * g[i];
            th[i] = th[i] * decay - lr * (ms[i] / c1) / (T.Sqrt(vs[i] / c2) + eps);
        }
    }
}
