namespace SpeechEmotion.Engine;

/// <summary>Constants of <see cref="IBackend{T}.StatisticsPool"/>, shared by the CPU reference and the
/// kernels.</summary>
public static class StatisticsPooling
{
    /// <summary>Added to the variance before the square root: keeps σ and dσ/dx finite on a constant or one-frame
    /// utterance.</summary>
    public const float Epsilon = 1e-5f;
}
