using SpeechEmotion.Engine;

namespace SpeechEmotion.Model;

/// <summary>
/// What every layer needs to know about the current batch: lengths (host copy and backend tensor), the padded
/// step count, whether dropout is on, and the seed and step that key the dropout masks.
/// </summary>
public sealed record BatchContext(
    int[] HostLengths,
    Tensor<int> Lengths,
    int Steps,
    bool Training,
    ulong Seed,
    ulong Step
)
{
    public int Batch => HostLengths.Length;

    public DropoutSpec Dropout(float p, uint stream) =>
        Training && p > 0 ? new DropoutSpec(p, Seed, Step, stream) : DropoutSpec.None;
}
