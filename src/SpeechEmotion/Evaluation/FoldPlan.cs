namespace SpeechEmotion.Evaluation;

/// <summary>
/// Which speakers each fold tests on. Leave-one-speaker-out by default (Emo-DB: 10 folds); "--folds 03,08" keeps only
/// those folds; "--fold-groups K" deals the sorted speakers round-robin into K speaker-disjoint groups.
/// Validation speakers for early stopping come from the training speakers only: the next K speakers after the fold's
/// test speakers in sorted order (cyclically).
/// </summary>
public static class FoldPlan
{
    public static IReadOnlyList<string[]> Folds(IReadOnlyList<string> speakers, string folds = "all", int groups = 0)
    {
        var sorted = speakers.Order(StringComparer.Ordinal).ToList();
        List<string[]> all =
            groups > 0
                ? Enumerable
                    .Range(0, Math.Min(groups, sorted.Count))
                    .Select(g => sorted.Where((_, i) => i % groups == g).ToArray())
                    .ToList()
                : sorted.Select(s => new[] { s }).ToList();
        if (folds == "all")
            return all;
        var wanted = folds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = wanted.Where(w => !sorted.Contains(w)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"unknown speaker(s) {string.Join(", ", unknown)}; the corpus has {string.Join(", ", sorted)}"
            );
        return all.Where(f => f.Any(wanted.Contains)).ToList();
    }

    public static string[] ValidationSpeakers(
        IReadOnlyList<string> speakers,
        IReadOnlyCollection<string> test,
        int count
    )
    {
        var sorted = speakers.Order(StringComparer.Ordinal).ToList();
        if (count <= 0)
            return [];
        int start = sorted.FindIndex(test.Contains);
        var candidates = Enumerable
            .Range(1, sorted.Count)
            .Select(k => sorted[(start + k) % sorted.Count])
            .Where(s => !test.Contains(s));
        return candidates.Take(count).ToArray();
    }

    /// <summary>The fold's folder name: its speakers joined by "_", each character outside [A-Za-z0-9.-] written as
    /// ~XX (its code in hex), so that "ased/01" or a hostile "../x" stays inside one folder and no two folds share
    /// one; past 120 characters (a fold of many speakers) the first 80 and a hash of the whole.</summary>
    public static string Name(IEnumerable<string> speakers)
    {
        string name =
            "fold-"
            + string.Join(
                "_",
                speakers.Select(s =>
                    string.Concat(
                        s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c.ToString() : $"~{(int)c:X2}")
                    )
                )
            );
        if (name.Length <= 120)
            return name;
        string hash = Convert.ToHexString(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))
        )[..16];
        return $"{name[..80]}-{hash}";
    }
}
