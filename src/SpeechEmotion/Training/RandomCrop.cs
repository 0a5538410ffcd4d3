using SpeechEmotion.Engine;

namespace SpeechEmotion.Training;

/// <summary>
/// Random crops of a training batch: each utterance longer than the crop keeps one window of exactly that many frames,
/// its start drawn uniformly from Philox keyed by (seed, optimiser step, utterance), so every epoch sees other windows
/// and a resumed run cuts the same ones as an uninterrupted one. Shorter utterances stay whole; the batch is re-padded
/// to its new longest utterance. Evaluation reads whole utterances (mean pooling does not depend on the length).
/// </summary>
public static class RandomCrop
{
    /// <summary>Philox stream of the window starts (attention dropout 1, output dropout 2, SpecAugment 3).</summary>
    public const uint Stream = 4;

    public static PaddedBatch Apply(PaddedBatch batch, int frames, ulong seed, ulong step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        int width = batch.Width;
        var lengths = batch.Lengths.Select(n => Math.Min(n, frames)).ToArray();
        int steps = lengths.Max();
        var features = new float[batch.Batch * steps * width];
        for (int b = 0; b < batch.Batch; b++)
        {
            int spare = batch.Lengths[b] - lengths[b];
            int start =
                spare == 0 ? 0 : Math.Min(spare, (int)(Philox.Uniform(seed, step, Stream, (uint)b) * (spare + 1)));
            Array.Copy(
                batch.Features,
                (b * batch.Steps + start) * width,
                features,
                b * steps * width,
                lengths[b] * width
            );
        }
        return new PaddedBatch(features, lengths, steps, width);
    }
}
