using System.Text.Json.Nodes;

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
        var report = Read(path);
        var predictions =
            report["predictions"]?.AsArray()
            ?? throw new InvalidDataException($"{path}: no per-utterance predictions (not a loso report?)");
        var correct = predictions.ToDictionary(
            p => $"{p!["speaker"]}/{p["path"]}",
            p => p!["truth"]!.GetValue<string>() == p["predicted"]!.GetValue<string>() ? 1.0 : 0.0
        );
        return new RunStats(
            path,
            report["ua"]!.GetValue<double>(),
            report["wa"]!.GetValue<double>(),
            report["macro_f1"]?.GetValue<double>() ?? double.NaN,
            correct
        );
    }

    /// <summary>A report.json as JSON; errors name the file.</summary>
    public static JsonObject Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist; finish that loso run first");
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?.AsObject()
                ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})");
        }
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
