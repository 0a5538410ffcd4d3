namespace SpeechEmotion.Engine;

/// <summary>Adam with bias correction; WeightDecay is decoupled (AdamW: θ ← θ(1 − lr·wd) before the Adam
/// step).</summary>
public sealed record AdamSettings(
    double LearningRate = 1e-4,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Epsilon = 1e-8,
    double WeightDecay = 0,
    double ClipNorm = 0
);
