namespace SpeechEmotion.Features;

/// <summary>
/// Per-frequency-bin standardisation (x − mean) / std. Fit on training utterances only, so each leave-one-speaker-out
/// fold gets its own statistics; every frame of every training utterance counts once. Stored inside model files.
/// </summary>
public sealed class FeatureNormalizer
{
    /// <summary>Bins whose spread is below this are only centred, not scaled (constant bins would blow up).</summary>
    public const double MinStd = 1e-6;

    public float[] Mean { get; }
    public float[] Std { get; }
    public int Bins => Mean.Length;

    public FeatureNormalizer(float[] mean, float[] std)
    {
        if (mean.Length != std.Length || mean.Length == 0)
            throw new ArgumentException("mean and std must be non-empty and the same length");
        if (mean.Any(v => !float.IsFinite(v)) || std.Any(v => !float.IsFinite(v) || v <= 0))
            throw new ArgumentException("normaliser statistics must be finite, std positive");
        Mean = mean;
        Std = std;
    }

    /// <summary>Fits on row-major [frames, bins] matrices; sums in double so long corpora do not lose
    /// precision.</summary>
    public static FeatureNormalizer Fit(IEnumerable<float[]> utterances, int bins)
    {
        var statistics = new RunningStatistics(bins);
        foreach (var u in utterances)
            statistics.Add(u);
        return statistics.Frames > 0
            ? statistics.ToNormalizer()
            : throw new ArgumentException("cannot fit a normaliser on zero frames");
    }

    /// <summary>Standardises a row-major [frames, bins] matrix in place with its own per-bin statistics
    /// (<see cref="FeatureNormalization.Utterance"/>).</summary>
    public static void ApplyOwn(float[] features, int bins) => Fit([features], bins).Apply(features);

    /// <summary>Normalises a row-major [frames, bins] matrix in place.</summary>
    public void Apply(Span<float> features)
    {
        if (features.Length % Bins != 0)
            throw new ArgumentException($"feature length {features.Length} is not a multiple of {Bins} bins");
        for (int i = 0; i < features.Length; i += Bins)
        {
            var row = features.Slice(i, Bins);
            for (int b = 0; b < Bins; b++)
                row[b] = (row[b] - Mean[b]) / Std[b];
        }
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Bins);
        foreach (var v in Mean)
            writer.Write(v);
        foreach (var v in Std)
            writer.Write(v);
    }

    public static FeatureNormalizer Read(BinaryReader reader)
    {
        int bins = reader.ReadInt32();
        if (bins is <= 0 or > 1 << 20)
            throw new InvalidDataException($"normaliser bin count {bins} is out of range");
        var mean = new float[bins];
        var std = new float[bins];
        for (int b = 0; b < bins; b++)
            mean[b] = reader.ReadSingle();
        for (int b = 0; b < bins; b++)
            std[b] = reader.ReadSingle();
        return new FeatureNormalizer(mean, std);
    }
}
