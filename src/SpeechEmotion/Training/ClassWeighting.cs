namespace SpeechEmotion.Training;

/// <summary>
/// Class weights (<see cref="TrainingOptions.ClassWeights"/>) as one loss weight per training example: inverse class
/// frequency over an epoch's visits, N / (C·n_c), mean weight 1; or, by corpus
/// (<see cref="TrainingOptions.CorpusClassWeights"/>), within each corpus k, N_k / (C_k·n_kc) with C_k the classes k
/// has: each corpus's classes are balanced among themselves, and a corpus weighs as much as its visits. Weighted over
/// the union instead, a label that only a small corpus has (Emo-DB's boredom, disgust) gets a weight several times
/// any other's, and that corpus's speech is pulled towards it.
/// </summary>
public static class ClassWeighting
{
    /// <summary>Weights indexed like <paramref name="train"/>, from the classes of the visited examples
    /// (<paramref name="visits"/>: indices into train, repeated where an epoch repeats them).</summary>
    public static float[] PerExample(
        IReadOnlyList<Example> train,
        IReadOnlyList<int> visits,
        int classes,
        bool byCorpus
    )
    {
        var weights = new float[train.Count];
        foreach (var group in visits.GroupBy(i => byCorpus ? CorpusBalance.CorpusOf(train[i].Utterance.Speaker) : ""))
        {
            var counts = new int[classes];
            foreach (var i in group)
                counts[train[i].Label]++;
            int visited = group.Count(),
                present = byCorpus ? counts.Count(n => n > 0) : classes;
            var w = counts.Select(n => n == 0 ? 0f : (float)visited / (present * n)).ToArray();
            foreach (var i in group)
                weights[i] = w[train[i].Label];
        }
        return weights;
    }
}
