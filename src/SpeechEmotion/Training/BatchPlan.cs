namespace SpeechEmotion.Training;

/// <summary>
/// Length-sorted batching (paper §4.1): utterances sorted by frame count and cut into consecutive batches of similar
/// length, so padding is small; the order of the batches is shuffled each epoch from (seed, epoch), which makes a
/// resumed run take exactly the batches an uninterrupted one would.
/// </summary>
public static class BatchPlan
{
    /// <summary>Indices into <paramref name="frames"/>, one array per batch, in length order. With a budget, a batch
    /// also closes before B × T² (its attention scores per head, T its longest item) would exceed it, so long
    /// utterances go in smaller batches.</summary>
    public static IReadOnlyList<int[]> Batches(
        IReadOnlyList<int> frames,
        int batchSize,
        long squaredStepBudget = long.MaxValue
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var batches = new List<int[]>();
        var batch = new List<int>();
        foreach (int i in Enumerable.Range(0, frames.Count).OrderBy(i => frames[i]).ThenBy(i => i))
        {
            long steps = frames[i]; // sorted: the newest item is the longest
            if (batch.Count == batchSize || batch.Count > 0 && (batch.Count + 1) * steps * steps > squaredStepBudget)
            {
                batches.Add([.. batch]);
                batch.Clear();
            }
            batch.Add(i);
        }
        if (batch.Count > 0)
            batches.Add([.. batch]);
        return batches;
    }

    public static IReadOnlyList<int[]> ForEpoch(IReadOnlyList<int[]> batches, int seed, int epoch)
    {
        var shuffled = batches.ToArray();
        new Random(unchecked(seed * 7919 + epoch)).Shuffle(shuffled);
        return shuffled;
    }
}
