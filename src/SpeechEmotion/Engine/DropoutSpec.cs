namespace SpeechEmotion.Engine;

/// <summary>
/// Which elements a dropout drops: element i is kept when Philox(seed, step, stream, i) ≥ P, and kept values are
/// scaled by 1/(1 − P). Counter-based, so every backend drops exactly the same elements. P = 0 is the identity.
/// </summary>
public readonly record struct DropoutSpec(float P, ulong Seed, ulong Step, uint Stream)
{
    public static readonly DropoutSpec None = new(0, 0, 0, 0);
    public bool Active => P > 0;
}
