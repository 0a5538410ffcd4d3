namespace SpeechEmotion.Features;

/// <summary>
/// Per-bin sums of x and x² over frames, accumulated in double as rows arrive (a corpus, a speaker's files, a live
/// stream), and the <see cref="FeatureNormalizer"/> they give at any moment.
/// </summary>
public sealed class RunningStatistics(int bins)
{
    private readonly double[] _sum = new double[bins],
        _sumSq = new double[bins];

    public int Bins { get; } =
        bins > 0 ? bins : throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be positive");

    public long Frames { get; private set; }

    /// <summary>Adds a row-major [frames, Bins] matrix.</summary>
    public void Add(ReadOnlySpan<float> rows)
    {
        if (rows.Length % Bins != 0)
            throw new ArgumentException($"{rows.Length} values are not a whole number of {Bins}-bin frames");
        for (int i = 0; i < rows.Length; i += Bins)
        {
            for (int b = 0; b < Bins; b++)
            {
                double v = rows[i + b];
                _sum[b] += v;
                _sumSq[b] += v * v;
            }
        }
        Frames += rows.Length / Bins;
    }

    /// <summary>Mean and population standard deviation per bin; bins spread less than MinStd are only
    /// centred.</summary>
    public FeatureNormalizer ToNormalizer()
    {
        if (Frames == 0)
            throw new InvalidOperationException("cannot fit a normaliser on zero frames");
        var mean = new float[Bins];
        var std = new float[Bins];
        for (int b = 0; b < Bins; b++)
        {
            double m = _sum[b] / Frames;
            double variance = Math.Max(0, _sumSq[b] / Frames - m * m);
            mean[b] = (float)m;
            std[b] = (float)Math.Max(Math.Sqrt(variance), FeatureNormalizer.MinStd);
        }
        return new FeatureNormalizer(mean, std);
    }
}
