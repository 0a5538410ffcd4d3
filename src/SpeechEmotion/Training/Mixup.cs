using MathNet.Numerics.Distributions;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Training;

/// <summary>
/// Mixup (Zhang et al., ICLR 2018) of a training batch: one λ ~ Beta(α, α) per step and a random pairing of the batch's
/// utterances; utterance b becomes λ·x_b + (1 − λ)·x_partner(b), frame by frame, with the longer of the two lengths
/// (padding is zero, so the shorter one fades out), and the loss becomes λ·L(y_b) + (1 − λ)·L(y_partner(b))
/// (<see cref="Model.SerModel{T}.MixedLoss"/>). Batches are length-sorted, so partners have similar lengths. λ and the
/// pairing come from Philox keyed by (seed, optimiser step), so a resumed run mixes as an uninterrupted one.
/// </summary>
public static class Mixup
{
    /// <summary>Philox stream of λ and the pairing (attention dropout 1, output dropout 2, SpecAugment 3, crops
    /// 4).</summary>
    public const uint Stream = 5;

    /// <summary>The mixed batch, each utterance's partner (a permutation of the batch) and λ.</summary>
    public static (PaddedBatch Batch, int[] Partners, double Lambda) Apply(
        PaddedBatch batch,
        double alpha,
        ulong seed,
        ulong step
    )
    {
        if (!(alpha > 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "mixup needs a positive, finite α");
        double lambda = Beta.InvCDF(alpha, alpha, Philox.Uniform(seed, step, Stream, 0));
        var partners = Enumerable.Range(0, batch.Batch).ToArray();
        for (int i = partners.Length - 1; i > 0; i--) // Fisher–Yates
        {
            int j = Math.Min(i, (int)(Philox.Uniform(seed, step, Stream, (uint)i) * (i + 1)));
            (partners[i], partners[j]) = (partners[j], partners[i]);
        }
        float own = (float)lambda,
            other = (float)(1 - lambda);
        int rowSize = batch.Steps * batch.Width;
        var features = new float[batch.Features.Length];
        var lengths = new int[batch.Batch];
        for (int b = 0; b < batch.Batch; b++)
        {
            int p = partners[b];
            lengths[b] = Math.Max(batch.Lengths[b], batch.Lengths[p]);
            for (int i = 0; i < lengths[b] * batch.Width; i++)
                features[b * rowSize + i] =
                    own * batch.Features[b * rowSize + i] + other * batch.Features[p * rowSize + i];
        }
        return (new PaddedBatch(features, lengths, batch.Steps, batch.Width), partners, lambda);
    }
}
