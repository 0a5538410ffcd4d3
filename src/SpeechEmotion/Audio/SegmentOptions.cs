namespace SpeechEmotion.Audio;

/// <summary>
/// How <see cref="SpeechSegmenter"/> finds speech: an energy detector on 10 ms frames. A frame is speech when its
/// level is at least <see cref="ThresholdDb"/> above the noise floor — the quietest frame of the last
/// <see cref="NoiseWindowSeconds"/> (minimum statistics) — and above <see cref="FloorDbfs"/>. A pause of
/// <see cref="MinSilenceSeconds"/> ends a segment; segments are padded by <see cref="PaddingSeconds"/> each side,
/// cut at <see cref="MaxSegmentSeconds"/>, and dropped when they hold less than <see cref="MinSpeechSeconds"/> of
/// speech.
/// </summary>
public sealed record SegmentOptions
{
    /// <summary>Longest segment; longer speech is cut into consecutive segments of this length.</summary>
    public double MaxSegmentSeconds { get; init; } = 10;

    /// <summary>Segments with less speech than this are dropped (clicks, breaths).</summary>
    public double MinSpeechSeconds { get; init; } = 0.3;

    /// <summary>A pause at least this long closes the segment.</summary>
    public double MinSilenceSeconds { get; init; } = 0.3;

    /// <summary>Audio kept before the first and after the last speech frame.</summary>
    public double PaddingSeconds { get; init; } = 0.1;

    /// <summary>Speech is this many dB above the noise floor.</summary>
    public double ThresholdDb { get; init; } = 12;

    /// <summary>Frames quieter than this (dB relative to full scale) are never speech.</summary>
    public double FloorDbfs { get; init; } = -50;

    /// <summary>The noise floor is the quietest frame of this many trailing seconds.</summary>
    public double NoiseWindowSeconds { get; init; } = 5;

    internal void Validate()
    {
        if (!(MaxSegmentSeconds is >= 0.5 and <= 600))
            throw new ArgumentOutOfRangeException(nameof(MaxSegmentSeconds), MaxSegmentSeconds, "must be 0.5 to 600 s");
        if (!(MinSpeechSeconds is >= 0 && MinSpeechSeconds < MaxSegmentSeconds))
            throw new ArgumentOutOfRangeException(
                nameof(MinSpeechSeconds),
                MinSpeechSeconds,
                "must be 0 or more and below the maximum segment"
            );
        if (!(MinSilenceSeconds is >= 0.01 and <= 10))
            throw new ArgumentOutOfRangeException(nameof(MinSilenceSeconds), MinSilenceSeconds, "must be 0.01 to 10 s");
        if (!(PaddingSeconds >= 0 && PaddingSeconds <= MinSilenceSeconds && 2 * PaddingSeconds < MaxSegmentSeconds))
            throw new ArgumentOutOfRangeException(
                nameof(PaddingSeconds),
                PaddingSeconds,
                "must be 0 or more, at most the minimum silence"
            );
        if (!(NoiseWindowSeconds is >= 0.1 and <= 600))
            throw new ArgumentOutOfRangeException(nameof(NoiseWindowSeconds), NoiseWindowSeconds, "must be 0.1-600 s");
        if (!double.IsFinite(ThresholdDb) || !double.IsFinite(FloorDbfs))
            throw new ArgumentException("thresholds must be finite");
    }
}
