namespace SpeechEmotion.Tests.Support;

/// <summary>Error measures shared by parity tests.</summary>
public static class Errors
{
    /// <summary>max_i |a_i − b_i| / max(|b_i|, floor): relative error, absolute where the reference is below
    /// floor.</summary>
    public static double MaxRelative(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, double floor = 1.0)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), "length");
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (double.IsNaN(e))
                return double.PositiveInfinity; // NUnit would pass NaN ≤ tolerance
            worst = Math.Max(worst, e);
        }
        return worst;
    }
}
