namespace SpeechEmotion.Training;

/// <summary>
/// Metrics from a confusion matrix (rows = true class, columns = predicted): UA = unweighted accuracy = mean per-class
/// recall over classes that occur; WA = weighted accuracy = overall accuracy; macro precision/recall/F1 over classes
/// that occur in the truth (a class never predicted has precision 0).
/// </summary>
public sealed record ClassificationMetrics(IReadOnlyList<string> Labels, int[][] Confusion)
{
    public static ClassificationMetrics From(
        IReadOnlyList<string> labels,
        IEnumerable<(int Truth, int Predicted)> pairs
    )
    {
        var confusion = labels.Select(_ => new int[labels.Count]).ToArray();
        foreach (var (t, p) in pairs)
            confusion[t][p]++;
        return new ClassificationMetrics(labels, confusion);
    }

    public int Total => Confusion.Sum(r => r.Sum());
    private IEnumerable<int> Present => Enumerable.Range(0, Labels.Count).Where(c => Confusion[c].Sum() > 0);

    /// <summary>Recall per class; NaN for a class absent from the truth.</summary>
    public double[] PerClassRecall =>
        Enumerable
            .Range(0, Labels.Count)
            .Select(c => Confusion[c].Sum() is var n and > 0 ? (double)Confusion[c][c] / n : double.NaN)
            .ToArray();

    public double[] PerClassPrecision =>
        Enumerable
            .Range(0, Labels.Count)
            .Select(c => Confusion.Sum(r => r[c]) is var n and > 0 ? (double)Confusion[c][c] / n : 0)
            .ToArray();

    public double Ua => Present.Average(c => PerClassRecall[c]);
    public double Wa => (double)Enumerable.Range(0, Labels.Count).Sum(c => Confusion[c][c]) / Total;
    public double MacroPrecision => Present.Average(c => PerClassPrecision[c]);
    public double MacroRecall => Ua;

    public double MacroF1 =>
        Present.Average(c =>
        {
            double p = PerClassPrecision[c],
                r = PerClassRecall[c];
            return p + r > 0 ? 2 * p * r / (p + r) : 0;
        });

    public static ClassificationMetrics Sum(IReadOnlyList<string> labels, IEnumerable<ClassificationMetrics> parts)
    {
        var confusion = labels.Select(_ => new int[labels.Count]).ToArray();
        foreach (var m in parts)
            for (int t = 0; t < labels.Count; t++)
            for (int p = 0; p < labels.Count; p++)
                confusion[t][p] += m.Confusion[t][p];
        return new ClassificationMetrics(labels, confusion);
    }
}
