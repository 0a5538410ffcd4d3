namespace SpeechEmotion.Engine.Ops;

/// <summary>
/// One op as every check reads it — the kernel tests, `ser doctor`, `ser gradcheck --op` and the op benchmarks.
/// </summary>
/// <param name="Name">What the doctor's row, the benchmark and the tests call it.</param>
/// <param name="Files">Its CPU reference · kernel · layer, the files to read.</param>
/// <param name="Tolerance">Largest error against the CPU reference, relative to the largest reference value.</param>
/// <param name="Flops">Floating-point work of one launch at a shape; NaN for data movement.</param>
/// <param name="Prepare">Draws the host inputs once and returns what makes a launch from them on any backend.</param>
/// <param name="Gradients">The <c>GradientCheck</c> group that differentiates the layer built on it; null when none
/// does (the front end, Adam).</param>
/// <param name="OnGemm">Built on GEMMs: TF32 precision widens its tolerance.</param>
public sealed record KernelOp(
    string Name,
    string Files,
    double Tolerance,
    Func<OpShape, double> Flops,
    Func<OpData, Func<LaunchBuilder, OpLaunch>> Prepare,
    string? Gradients = null,
    bool OnGemm = false
);
