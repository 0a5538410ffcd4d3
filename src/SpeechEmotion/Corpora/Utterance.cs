namespace SpeechEmotion.Corpora;

/// <summary>One labelled recording. <see cref="Split"/> is optional (e.g. train/test from a CSV manifest).</summary>
public sealed record Utterance(string Path, string Label, string Speaker, string? Split = null);

/// <summary>Something wrong with one entry of a corpus: the loader records it and goes on (unless strict).</summary>
public sealed record CorpusProblem(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}

/// <summary>Thrown by a strict load at the first problem.</summary>
public sealed class CorpusException(CorpusProblem problem) : Exception(problem.ToString())
{
    public CorpusProblem Problem { get; } = problem;
}
