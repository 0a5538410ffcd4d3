namespace SpeechEmotion.Corpora;

/// <summary>A labelled corpus: its utterances, the label set in a fixed order, and the problems met while loading.</summary>
public sealed record Corpus(string Name, string Root, IReadOnlyList<string> Labels, IReadOnlyList<Utterance> Utterances,
    IReadOnlyList<CorpusProblem> Problems)
{
    public IReadOnlyList<string> Speakers => Utterances.Select(u => u.Speaker).Distinct().Order(StringComparer.Ordinal).ToList();

    public int LabelIndex(string label)
    {
        for (int i = 0; i < Labels.Count; i++) if (Labels[i] == label) return i;
        throw new KeyNotFoundException($"label '{label}' is not in corpus {Name}");
    }
}

/// <summary>Which loader reads a folder.</summary>
public enum CorpusFormat { EmoDb, Iemocap, Csv }

/// <summary>Collects utterances and problems for a loader; in strict mode the first problem throws.</summary>
internal sealed class CorpusBuilder(bool strict)
{
    public List<Utterance> Utterances { get; } = [];
    public List<CorpusProblem> Problems { get; } = [];

    public void Problem(string path, string reason)
    {
        var problem = new CorpusProblem(path, reason);
        if (strict) throw new CorpusException(problem);
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
