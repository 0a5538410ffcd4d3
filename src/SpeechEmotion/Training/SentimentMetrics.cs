namespace SpeechEmotion.Training;

/// <summary>
/// Sentiment-regression metrics exactly as the multimodal sentiment literature computes them (the MMSA toolkit's
/// metricsTop.py). MOSI/MOSEI (scores in [−3, 3]): MAE and Pearson correlation on the raw scores; Acc-2 = negative
/// (&lt; 0) vs non-negative (≥ 0) with weighted F1; Acc-2 non-zero = the same excluding zero labels, split &lt; 0 /
/// &gt; 0; Acc-5 / Acc-7 = equal rounded scores after clipping to [−2, 2] / [−3, 3] (numpy rounding: half to even).
/// CH-SIMS (scores in [−1, 1]): predictions and labels clipped to [−1, 1] first; Acc-2 classes [−1, 0] and (0, 1];
/// Acc-5 classes [−1, −0.7], (−0.7, −0.1], (−0.1, 0.1], (0.1, 0.7], (0.7, 1]; no Acc-7. The non-zero Acc-2 (not in
/// MMSA's SIMS metrics) is computed as for MOSI.
/// </summary>
public sealed record SentimentMetrics(
    double Mae,
    double Corr,
    double Acc2,
    double F1,
    double Acc2NonZero,
    double F1NonZero,
    double Acc5,
    double? Acc7
)
{
    /// <summary>Picks the MOSI-style metrics for a label range of 3 (MOSI/MOSEI) and CH-SIMS-style for 1.</summary>
    public static SentimentMetrics Compute(
        IReadOnlyList<double> predictions,
        IReadOnlyList<double> truths,
        double range
    ) => range >= 2 ? Mosi(predictions, truths) : Sims(predictions, truths);

    public static SentimentMetrics Mosi(IReadOnlyList<double> predictions, IReadOnlyList<double> truths)
    {
        Check(predictions, truths);
        var nonZero = Enumerable.Range(0, truths.Count).Where(i => truths[i] != 0).ToList();
        var (acc2NonZero, f1NonZero) = Binary(
            nonZero.Select(i => truths[i] > 0).ToList(),
            nonZero.Select(i => predictions[i] > 0).ToList()
        );
        var (acc2, f1) = Binary(truths.Select(t => t >= 0).ToList(), predictions.Select(p => p >= 0).ToList());
        return new SentimentMetrics(
            MeanAbsoluteError(predictions, truths),
            Pearson(predictions, truths),
            acc2,
            f1,
            acc2NonZero,
            f1NonZero,
            RoundedAccuracy(predictions, truths, 2),
            RoundedAccuracy(predictions, truths, 3)
        );
    }

    public static SentimentMetrics Sims(IReadOnlyList<double> predictions, IReadOnlyList<double> truths)
    {
        Check(predictions, truths);
        var p = predictions.Select(v => Math.Clamp(v, -1, 1)).ToList();
        var t = truths.Select(v => Math.Clamp(v, -1, 1)).ToList();
        var (acc2, f1) = Binary(t.Select(v => v > 0).ToList(), p.Select(v => v > 0).ToList());
        var nonZero = Enumerable.Range(0, t.Count).Where(i => t[i] != 0).ToList();
        var (acc2NonZero, f1NonZero) = Binary(
            nonZero.Select(i => t[i] > 0).ToList(),
            nonZero.Select(i => p[i] > 0).ToList()
        );
        double[] edges = [-0.7, -0.1, 0.1, 0.7];
        int Bin(double v) => edges.Count(e => v > e);
        double acc5 = (double)Enumerable.Range(0, t.Count).Count(i => Bin(p[i]) == Bin(t[i])) / t.Count;
        return new SentimentMetrics(
            MeanAbsoluteError(p, t),
            Pearson(p, t),
            acc2,
            f1,
            acc2NonZero,
            f1NonZero,
            acc5,
            null
        );
    }

    private static void Check(IReadOnlyList<double> predictions, IReadOnlyList<double> truths)
    {
        if (predictions.Count != truths.Count || truths.Count == 0)
            throw new ArgumentException("need as many predictions as labels, at least one");
    }

    private static double MeanAbsoluteError(IReadOnlyList<double> p, IReadOnlyList<double> t) =>
        p.Zip(t).Average(x => Math.Abs(x.First - x.Second));

    /// <summary>Pearson correlation; NaN when either side is constant (as numpy's corrcoef).</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        double mx = x.Average(),
            my = y.Average(),
            sxy = 0,
            sxx = 0,
            syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Share of equal rounded values after clipping both to [−limit, limit]; rounding half to even like
    /// numpy.</summary>
    private static double RoundedAccuracy(IReadOnlyList<double> p, IReadOnlyList<double> t, double limit) =>
        (double)
            Enumerable
                .Range(0, t.Count)
                .Count(i => Math.Round(Math.Clamp(p[i], -limit, limit)) == Math.Round(Math.Clamp(t[i], -limit, limit)))
        / t.Count;

    /// <summary>Accuracy and sklearn's weighted F1 (per-class F1 weighted by true support) for two classes.</summary>
    private static (double Accuracy, double WeightedF1) Binary(IReadOnlyList<bool> truth, IReadOnlyList<bool> predicted)
    {
        if (truth.Count == 0)
            return (double.NaN, double.NaN);
        double accuracy = (double)truth.Zip(predicted).Count(x => x.First == x.Second) / truth.Count;
        double f1 = 0;
        foreach (bool c in new[] { false, true })
        {
            int tp = truth.Zip(predicted).Count(x => x.First == c && x.Second == c);
            int support = truth.Count(x => x == c),
                predictedCount = predicted.Count(x => x == c);
            double precision = predictedCount == 0 ? 0 : (double)tp / predictedCount,
                recall = support == 0 ? 0 : (double)tp / support;
            double classF1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1 += classF1 * support / truth.Count;
        }
        return (accuracy, f1);
    }
}
