using SpeechEmotion.Evaluation;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>MOSI and CH-SIMS metrics against values worked out by hand from MMSA's definitions.</summary>
public class SentimentMetricsTests
{
    [Test]
    public void Mosi_metrics_by_hand()
    {
        double[] truth = [-2.6, -1.0, 0.0, 0.4, 2.5, 3.0];
        double[] pred = [-1.8, 0.2, -0.3, 1.6, 2.4, 2.9];
        var m = SentimentMetrics.Mosi(pred, truth);
        // MAE: |0.8| + |1.2| + |0.3| + |1.2| + |0.1| + |0.1| = 3.7 → 3.7 / 6
        Assert.That(m.Mae, Is.EqualTo(3.7 / 6).Within(1e-12));
        // Acc-2 (≥ 0): truth F F T T T T, pred F T F T T T → 4/6 right.
        Assert.That(m.Acc2, Is.EqualTo(4.0 / 6).Within(1e-12));
        // weighted F1: class F: tp 1, support 2, predicted 2 → P 0.5 R 0.5 F1 0.5; class T: tp 3, support 4, predicted
        // 4 → 0.75.
        Assert.That(m.F1, Is.EqualTo((0.5 * 2 + 0.75 * 4) / 6).Within(1e-12));
        // non-zero (drop the 0.0 label): truth F F T T T, pred (> 0) F T T T T → 4/5; F: tp 1 sup 2 pred 1 → P 1 R .5
        // F1 2/3; T: tp 3 sup 3 pred 4 → P .75 R 1 F1 6/7.
        Assert.That(m.Acc2NonZero, Is.EqualTo(4.0 / 5).Within(1e-12));
        Assert.That(m.F1NonZero, Is.EqualTo((2.0 / 3 * 2 + 6.0 / 7 * 3) / 5).Within(1e-12));
        // Acc-7 (clip ±3, round half to even): truth −3 −1 0 0 2 3; pred −2 0 −0 2 2 3 → right at 0.0/−0.3, 2.5/2.4,
        // 3.0/2.9 = 3/6.
        Assert.That(m.Acc7, Is.EqualTo(3.0 / 6).Within(1e-12));
        // Acc-5 (clip ±2): truth −2 −1 0 0 2 2; pred −2 0 −0 2 2 2 → right at 1, 3, 5, 6 = 4/6.
        Assert.That(m.Acc5, Is.EqualTo(4.0 / 6).Within(1e-12));
        Assert.That(m.Corr, Is.EqualTo(SentimentMetrics.Pearson(pred, truth)));
    }

    [Test]
    public void Pearson_by_hand()
    {
        // x = 1 2 3, y = 1 3 2: means 2 and 2; sxy = (−1)(−1) + 0 + (1)(0) = 1; sxx = 2; syy = 2 → 0.5.
        Assert.That(SentimentMetrics.Pearson([1, 2, 3], [1, 3, 2]), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(double.IsNaN(SentimentMetrics.Pearson([1, 1, 1], [1, 3, 2])));
    }

    [Test]
    public void Sims_metrics_clip_and_use_its_own_class_edges()
    {
        double[] truth = [-1.0, -0.4, 0.0, 0.2, 0.8];
        double[] pred = [-1.5, 0.05, 0.09, 0.75, 0.6];
        var m = SentimentMetrics.Sims(pred, truth);
        // clipped pred −1 0.05 0.09 0.75 0.6; MAE = 0 + .45 + .09 + .55 + .2 = 1.29 → /5
        Assert.That(m.Mae, Is.EqualTo(1.29 / 5).Within(1e-12));
        // Acc-2 ([−1, 0] vs (0, 1]): truth N N N P P, pred N P P P P → 3/5.
        Assert.That(m.Acc2, Is.EqualTo(3.0 / 5).Within(1e-12));
        // Acc-5 bins: truth 0 1 2 3 4, pred 0 2 2 4 3 → 2/5.
        Assert.That(m.Acc5, Is.EqualTo(2.0 / 5).Within(1e-12));
        Assert.That(m.Acc7, Is.Null);
        Assert.That(SentimentMetrics.Compute(pred, truth, 1), Is.EqualTo(m));
    }
}
