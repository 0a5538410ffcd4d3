namespace SpeechEmotion.Audio;

/// <summary>An audio file that cannot be turned into samples. The message always names the file and the
/// reason.</summary>
public sealed class AudioFormatException : Exception
{
    public string FilePath { get; }
    public string Reason { get; }

    public AudioFormatException(string filePath, string reason, Exception? inner = null)
        : base($"{filePath}: {reason}", inner)
    {
        FilePath = filePath;
        Reason = reason;
    }
}
