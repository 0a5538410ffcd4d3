namespace SpeechEmotion;

/// <summary>How an <see cref="EmotionRecognizer"/> runs.</summary>
public sealed record RecognizerOptions
{
    /// <summary>"cpu" (the default), "auto", "cuda" or "cuda:N". A GPU needs its backend package registered
    /// (<c>SpeechEmotion.Kernels.Backends.Register()</c>); when it is missing or does not open, the recognizer runs on
    /// the CPU and <see cref="EmotionRecognizer.DeviceFallback"/> says why.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>CPU threads one recognition may use (default: all cores). Results do not depend on it.</summary>
    public int? Threads { get; init; }

    /// <summary>Audio longer than this is recognised in consecutive windows of at most this length, whose
    /// probabilities are averaged weighted by their duration, so attention (T × T) and memory stay bounded.</summary>
    public double MaxWindowSeconds { get; init; } = 10;

    internal void Validate()
    {
        if (!(MaxWindowSeconds is >= 0.5 and <= 600))
            throw new ArgumentOutOfRangeException(
                nameof(MaxWindowSeconds),
                MaxWindowSeconds,
                "window must be 0.5 to 600 s"
            );
        if (Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be at least 1");
    }
}
