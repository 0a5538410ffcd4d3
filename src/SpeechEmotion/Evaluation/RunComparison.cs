namespace SpeechEmotion.Evaluation;

/// <summary>A LOSO report reduced to what comparisons need: UA, WA, macro F1 and per-utterance correctness.</summary>
public sealed record RunStats(
    string Path,
    double Ua,
    double Wa,
    double MacroF1,
    IReadOnlyDictionary<string, double> Correct
)
{
    /// <summary>Reads a report.json written by `ser loso`; the error names the file and what is missing.</summary>
    public static RunStats Load(string path)
    {
        var report = RunReport.Load(path);
        if (report.Predictions.Count == 0 || report.Ua is not { } ua || report.Wa is not { } wa)
            throw new InvalidDataException($"{path}: no per-utterance predictions (not a classification loso report?)");
        var correct = report.Predictions.ToDictionary(
            p => $"{p.Speaker}/{p.Path}",
            p => p.Truth == p.Predicted ? 1.0 : 0.0
        );
        return new RunStats(path, ua, wa, report.MacroF1 ?? double.NaN, correct);
    }
}

/// <summary>
/// One-way ANOVA on per-utterance correctness (1 right, 0 wrong) across runs, as the paper's §4.3. The runs must cover
/// the same utterances. Like the paper, this treats the runs as independent groups although they share utterances.
/// </summary>
public static class RunComparison
{
    public static AnovaResult Anova(IReadOnlyList<RunStats> runs)
    {
        var keys = runs[0].Correct.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var run in runs.Skip(1))
            if (!run.Correct.Keys.Order(StringComparer.Ordinal).SequenceEqual(keys))
                throw new ArgumentException(
                    $"{run.Path}: its utterances differ from {runs[0].Path}'s; compare runs on the same folds"
                );
        return Evaluation.Anova.OneWay(
            runs.Select(r => (IReadOnlyList<double>)keys.Select(k => r.Correct[k]).ToList()).ToList()
        );
    }
}
