namespace SpeechEmotion.Training;

/// <summary>
/// Utterances of different lengths as one zero-padded row-major block [B, T, F] (T = the longest), with lengths.
/// </summary>
public sealed record PaddedBatch(float[] Features, int[] Lengths, int Steps, int Width)
{
    public int Batch => Lengths.Length;

    /// <summary>Each item is a row-major [frames, width] matrix.</summary>
    public static PaddedBatch From(IReadOnlyList<float[]> utterances, int width)
    {
        if (utterances.Count == 0)
            throw new ArgumentException("a batch needs at least one utterance");
        var lengths = utterances
            .Select(u =>
                u.Length % width == 0 && u.Length > 0
                    ? u.Length / width
                    : throw new ArgumentException(
                        $"utterance of {u.Length} values is not a whole, non-empty number of {width}-wide frames"
                    )
            )
            .ToArray();
        int steps = lengths.Max();
        var features = new float[utterances.Count * steps * width];
        for (int b = 0; b < utterances.Count; b++)
            utterances[b].CopyTo(features, b * steps * width);
        return new PaddedBatch(features, lengths, steps, width);
    }
}
