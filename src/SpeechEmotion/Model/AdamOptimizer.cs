using System.Numerics;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// Adam over a whole <see cref="ParameterSet{T}"/>: optional global gradient-norm clipping (as PyTorch's
/// clip_grad_norm_: scale by max/(‖g‖ + 1e-6) when ‖g‖ exceeds max), then one fused update over the arenas.
/// </summary>
public sealed class AdamOptimizer<T>(IBackend<T> backend, ParameterSet<T> parameters, AdamSettings settings)
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public int Step { get; private set; }
    public AdamSettings Settings { get; } = settings;

    /// <summary>Restores the step counter when a run is resumed from a checkpoint.</summary>
    public void Restore(int step) => Step = step;

    /// <summary>
    /// Applies one update from the accumulated gradients. Returns the gradient norm before clipping when clipping is
    /// on, NaN otherwise (the norm is a device-to-host read, so it is only taken when it is needed).
    /// </summary>
    public double Update()
    {
        double norm = Settings.ClipNorm > 0 ? Math.Sqrt(backend.SumOfSquares(parameters.Grads)) : double.NaN;
        if (norm > Settings.ClipNorm)
            backend.Scale(parameters.Grads, T.CreateChecked(Settings.ClipNorm / (norm + 1e-6)));
        Step++;
        backend.AdamStep(
            parameters.Values,
            parameters.Grads,
            parameters.FirstMoments,
            parameters.SecondMoments,
            Settings,
            Step
        );
        return norm;
    }
}
