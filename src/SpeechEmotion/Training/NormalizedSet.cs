using SpeechEmotion.Features;

namespace SpeechEmotion.Training;

/// <summary>
/// Examples with normalised copies of their features, ready to be batched: with the given (training-set) normaliser,
/// or, for <see cref="FeatureNormalization.Speaker"/>, with a normaliser fitted on each speaker's own utterances, or,
/// for <see cref="FeatureNormalization.Utterance"/>, each utterance with its own statistics.
/// </summary>
public sealed class NormalizedSet
{
    public NormalizedSet(
        IReadOnlyList<Example> examples,
        FeatureNormalizer normalizer,
        FeatureNormalization mode = FeatureNormalization.Global
    )
    {
        if (examples.FirstOrDefault(e => e.Width != normalizer.Bins) is { } odd)
            throw new ArgumentException(
                $"{odd.Utterance.Path} has {odd.Width} features per frame, the model reads {normalizer.Bins}"
            );
        Examples = examples;
        Width = normalizer.Bins;
        var perSpeaker =
            mode == FeatureNormalization.Speaker
                ? examples
                    .GroupBy(e => e.Utterance.Speaker)
                    .ToDictionary(g => g.Key, g => FeatureNormalizer.Fit(g.Select(e => e.Features), normalizer.Bins))
                : null;
        Features = examples
            .Select(e =>
            {
                var copy = e.Features.ToArray();
                if (mode == FeatureNormalization.Utterance)
                    FeatureNormalizer.ApplyOwn(copy, Width);
                else
                    (perSpeaker?[e.Utterance.Speaker] ?? normalizer).Apply(copy);
                return copy;
            })
            .ToArray();
        Frames = examples.Select(e => e.Frames).ToArray();
    }

    public IReadOnlyList<Example> Examples { get; }
    public float[][] Features { get; }
    public int[] Frames { get; }
    public int Count => Features.Length;
    public int Width { get; }

    public PaddedBatch Batch(int[] indices) => PaddedBatch.From(indices.Select(i => Features[i]).ToArray(), Width);
}
