using SpeechEmotion.Features;

namespace SpeechEmotion.Training;

/// <summary>Examples with normalised copies of their features, ready to be batched.</summary>
public sealed class NormalizedSet
{
    public NormalizedSet(IReadOnlyList<Example> examples, FeatureNormalizer normalizer)
    {
        Examples = examples;
        Features = examples.Select(e =>
        {
            var copy = e.Features.ToArray();
            normalizer.Apply(copy);
            return copy;
        }).ToArray();
        Frames = examples.Select(e => e.Frames).ToArray();
    }

    public IReadOnlyList<Example> Examples { get; }
    public float[][] Features { get; }
    public int[] Frames { get; }
    public int Count => Features.Length;

    public PaddedBatch Batch(int[] indices) => PaddedBatch.From(indices.Select(i => Features[i]).ToArray(), Spectrogram.Bins);
}
