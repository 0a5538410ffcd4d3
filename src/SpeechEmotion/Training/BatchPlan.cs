namespace SpeechEmotion.Training;

/// <summary>
/// Length-sorted batching (paper §4.1): utterances sorted by frame count and cut into consecutive batches of similar
/// length, so padding is small; the order of the batches is shuffled each epoch from (seed, epoch), which makes a
/// resumed run take exactly the batches an uninterrupted one would.
/// </summary>
public static class BatchPlan
{
    /// <summary>Indices into <paramref name="frames"/>, one array per batch, in length order.</summary>
    public static IReadOnlyList<int[]> Batches(IReadOnlyList<int> frames, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = Enumerable.Range(0, frames.Count).OrderBy(i => frames[i]).ThenBy(i => i).ToArray();
        return order.Chunk(batchSize).ToList();
    }

    public static IReadOnlyList<int[]> ForEpoch(IReadOnlyList<int[]> batches, int seed, int epoch)
    {
        var shuffled = batches.ToArray();
        new Random(unchecked(seed * 7919 + epoch)).Shuffle(shuffled);
        return shuffled;
    }
}
