using MathNet.Numerics.Distributions;

namespace SpeechEmotion.Evaluation;

/// <summary>One-way ANOVA result: F = (SSB/(k−1)) / (SSW/(N−k)), p = P(F(k−1, N−k) ≥ F).</summary>
public sealed record AnovaResult(double F, int DfBetween, int DfWithin, double P);

/// <summary>One-way analysis of variance across groups of observations (the paper's §4.3 significance test).</summary>
public static class Anova
{
    public static AnovaResult OneWay(IReadOnlyList<IReadOnlyList<double>> groups)
    {
        if (groups.Count < 2 || groups.Any(g => g.Count == 0))
            throw new ArgumentException("ANOVA needs at least two non-empty groups");
        int n = groups.Sum(g => g.Count),
            k = groups.Count;
        if (n <= k)
            throw new ArgumentException("ANOVA needs more observations than groups");
        double grand = groups.SelectMany(g => g).Average();
        double between = groups.Sum(g => g.Count * Math.Pow(g.Average() - grand, 2));
        double within = groups.Sum(g =>
        {
            double m = g.Average();
            return g.Sum(x => (x - m) * (x - m));
        });
        int df1 = k - 1,
            df2 = n - k;
        double f = within == 0 ? (between == 0 ? 0 : double.PositiveInfinity) : between / df1 / (within / df2);
        double p = double.IsPositiveInfinity(f) ? 0 : 1 - FisherSnedecor.CDF(df1, df2, f);
        return new AnovaResult(f, df1, df2, p);
    }
}
