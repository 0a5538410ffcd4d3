namespace SpeechEmotion.Corpora;

/// <summary>A labelled corpus: its utterances, the label set in a fixed order, and the problems met while
/// loading.</summary>
public sealed record Corpus(
    string Name,
    string Root,
    IReadOnlyList<string> Labels,
    IReadOnlyList<Utterance> Utterances,
    IReadOnlyList<CorpusProblem> Problems
)
{
    public IReadOnlyList<string> Speakers =>
        Utterances.Select(u => u.Speaker).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Several corpora as one, for training on all of them: labels merged by name (the first corpus's order, then
    /// each new one as it first appears), every speaker prefixed with its corpus's name ("ased/01") so that speakers
    /// of different corpora stay apart in speaker-grouped folds, problems kept. Two sources with the same name get
    /// "-2", "-3" after it; a file in two of them is an error.
    /// </summary>
    public static Corpus Merge(IReadOnlyList<Corpus> corpora)
    {
        if (corpora.Count == 0)
            throw new ArgumentException("no corpora to merge");
        if (corpora.Count == 1)
            return corpora[0];
        var names = new List<string>();
        foreach (var c in corpora)
        {
            string name = c.Name;
            for (int k = 2; names.Contains(name); k++)
                name = $"{c.Name}-{k}";
            names.Add(name);
        }
        var twice = corpora
            .SelectMany(c => c.Utterances.Select(u => Path.GetFullPath(u.Path)))
            .GroupBy(p => p)
            .FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new InvalidDataException(
                $"{twice.Key} is in two of the corpora: it would leak across speaker-grouped folds"
            );
        var labels = corpora.SelectMany(c => c.Labels).Distinct().ToList();
        var utterances = corpora
            .SelectMany((c, i) => c.Utterances.Select(u => u with { Speaker = $"{names[i]}/{u.Speaker}" }))
            .ToList();
        return new Corpus(
            string.Join("+", names),
            corpora[0].Root,
            labels,
            utterances,
            corpora.SelectMany(c => c.Problems).ToList()
        );
    }

    /// <summary>Only the utterances of <paramref name="labels"/>, which become the label set in that order (e.g.
    /// the four labels Emo-DB, ASED and URDU share); a label the corpus lacks is an error naming it.</summary>
    public Corpus WithLabels(IReadOnlyList<string> labels)
    {
        var missing = labels.Where(l => !Utterances.Any(u => u.Label == l)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException(
                $"corpus {Name} has no utterance labelled {string.Join(", ", missing)} "
                    + $"(its labels: {string.Join(", ", Labels)})"
            );
        return this with
        {
            Labels = labels.ToList(),
            Utterances = Utterances.Where(u => labels.Contains(u.Label)).ToList(),
        };
    }

    /// <summary>The corpus without <paramref name="speakers"/> (nested validation: an outer fold's test speakers
    /// left out of everything); a speaker the corpus lacks is an error naming it.</summary>
    public Corpus WithoutSpeakers(IReadOnlyCollection<string> speakers)
    {
        var unknown = speakers.Where(s => !Utterances.Any(u => u.Speaker == s)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"corpus {Name} has no speaker {string.Join(", ", unknown)}");
        return this with { Utterances = Utterances.Where(u => !speakers.Contains(u.Speaker)).ToList() };
    }

    public int LabelIndex(string label)
    {
        for (int i = 0; i < Labels.Count; i++)
            if (Labels[i] == label)
                return i;
        throw new KeyNotFoundException($"label '{label}' is not in corpus {Name}");
    }
}

/// <summary>Which loader reads a folder.</summary>
public enum CorpusFormat
{
    EmoDb,
    Iemocap,
    Csv,
}

/// <summary>Collects utterances and problems for a loader; in strict mode the first problem throws.</summary>
internal sealed class CorpusBuilder(bool strict)
{
    public List<Utterance> Utterances { get; } = [];
    public List<CorpusProblem> Problems { get; } = [];

    public void Problem(string path, string reason)
    {
        var problem = new CorpusProblem(path, reason);
        if (strict)
            throw new CorpusException(problem);
        Problems.Add(problem);
    }

    /// <summary>Adds the utterance if its file exists (true), else records the problem.</summary>
    public bool Add(Utterance utterance)
    {
        if (File.Exists(utterance.Path))
        {
            Utterances.Add(utterance);
            return true;
        }
        Problem(utterance.Path, "file not found");
        return false;
    }
}
