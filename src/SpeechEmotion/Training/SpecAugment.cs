using SpeechEmotion.Engine;

namespace SpeechEmotion.Training;

/// <summary>
/// SpecAugment (Park et al., Interspeech 2019) on a training batch of normalised spectrograms: per utterance, two
/// frequency bands of up to a tenth of the width (<see cref="MaxBins"/>: 40 bins = 400 Hz of the linear spectrogram, 6
/// of 64 mel bands) and two time spans of up to <see cref="MaxFrames"/>
/// frames (0.4 s, at most a fifth of the utterance) are set to 0, the normalised mean. Widths and positions come from
/// Philox keyed by (seed, optimiser step, utterance), so a resumed run draws the same masks as an uninterrupted one.
/// Padding stays zero; nothing outside the masks changes.
/// </summary>
public static class SpecAugment
{
    public const int Masks = 2,
        MaxFrames = 40;

    public static int MaxBins(int width) => Math.Max(1, width / 10);

    public const double MaxFrameFraction = 0.2;

    /// <summary>Philox stream of the mask draws (attention dropout uses 1, output dropout 2).</summary>
    public const uint Stream = 3;

    public static void Apply(PaddedBatch batch, ulong seed, ulong step)
    {
        for (int b = 0; b < batch.Batch; b++)
        {
            int length = batch.Lengths[b],
                first = b * batch.Steps * batch.Width;
            int maxFrames = Math.Min(MaxFrames, (int)(MaxFrameFraction * length));
            for (int k = 0; k < Masks; k++)
            {
                var (f0, f) = Span(seed, step, (uint)(b * 4 * Masks + 2 * k), MaxBins(batch.Width), batch.Width);
                for (int t = 0; t < length; t++)
                    Array.Clear(batch.Features, first + t * batch.Width + f0, f);
                var (t0, tw) = Span(seed, step, (uint)(b * 4 * Masks + 2 * Masks + 2 * k), maxFrames, length);
                Array.Clear(batch.Features, first + t0 * batch.Width, tw * batch.Width);
            }
        }
    }

    /// <summary>A width in [0, max] and a start such that the span fits in [0, extent).</summary>
    private static (int Start, int Width) Span(ulong seed, ulong step, uint index, int max, int extent)
    {
        int width = Math.Min((int)(Philox.Uniform(seed, step, Stream, index) * (max + 1)), extent);
        int start = (int)(Philox.Uniform(seed, step, Stream, index + 1) * (extent - width + 1));
        return (start, width);
    }
}
