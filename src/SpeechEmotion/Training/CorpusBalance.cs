namespace SpeechEmotion.Training;

/// <summary>
/// Which training examples an epoch visits when corpora are balanced (<see cref="TrainingOptions.BalanceCorpora"/>):
/// every corpus as often as the largest one, its examples repeated whole and then a seeded random part of them, so a
/// small corpus is not drowned by a large one. A merged run names speakers CORPUS/SPEAKER; a single corpus is left
/// as it is.
/// </summary>
public static class CorpusBalance
{
    /// <summary>The corpus part of a merged speaker name ("" for a speaker of a single corpus).</summary>
    public static string CorpusOf(string speaker) => speaker.IndexOf('/') is var i and > 0 ? speaker[..i] : "";

    /// <summary>Indices into <paramref name="speakers"/> (one per training example), each corpus's repeated up to the
    /// largest corpus's count; in corpus order, the batch plan shuffles.</summary>
    public static int[] Indices(IReadOnlyList<string> speakers, int seed)
    {
        var corpora = Enumerable
            .Range(0, speakers.Count)
            .GroupBy(i => CorpusOf(speakers[i]))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToArray())
            .ToList();
        int target = corpora.Max(c => c.Length);
        var random = new Random(seed);
        var indices = new List<int>();
        foreach (var corpus in corpora)
        {
            for (int copy = 0; copy < target / corpus.Length; copy++)
                indices.AddRange(corpus);
            var rest = corpus.ToArray();
            random.Shuffle(rest);
            indices.AddRange(rest.Take(target % corpus.Length));
        }
        return [.. indices];
    }
}
