namespace SpeechEmotion.Audio;

/// <summary>Header facts of a WAV file, read without decoding the samples.</summary>
public sealed record WavInfo(
    string Path,
    int SampleRate,
    int Channels,
    int BitsPerSample,
    bool IsFloat,
    long SampleFrames
)
{
    public double DurationSeconds => (double)SampleFrames / SampleRate;
}

/// <summary>
/// Reads WAV files into 16 kHz mono float samples: PCM 8/16/24/32-bit, IEEE float 32/64, any channel count (averaged),
/// any sample rate from 1 kHz to 768 kHz (<see cref="Resampler"/>). Files are read in chunks through
/// <see cref="WavDecoder"/>; only regular files are opened (<see cref="SafeFile"/>). Every failure is an
/// <see cref="AudioFormatException"/> naming the file and the reason.
/// </summary>
public static class WavReader
{
    public const int TargetSampleRate = 16000;
    public const int MinSampleRate = 1000;
    public const int MaxSampleRate = 768_000;
    public const int MaxChannels = 64;

    public static WavInfo ReadInfo(string path)
    {
        using var decoder = new WavDecoder(SafeFile.OpenRegular(path), path);
        return decoder.Info;
    }

    /// <summary>Samples at <see cref="TargetSampleRate"/>, mono, roughly in [-1, 1].</summary>
    public static float[] ReadMono16k(string path) => ReadMono16k(SafeFile.OpenRegular(path), path);

    /// <summary>A WAV stream (disposed afterwards unless leaveOpen) as 16 kHz mono; name labels errors.</summary>
    public static float[] ReadMono16k(Stream stream, string name, bool leaveOpen = false)
    {
        using var reader = new Mono16kReader(new WavDecoder(stream, name, leaveOpen));
        return reader.ReadToEnd();
    }

    /// <summary>A whole mono signal at <paramref name="sampleRate"/> resampled to 16 kHz.</summary>
    public static float[] Resample(float[] mono, int sampleRate)
    {
        var resampler = new Resampler(sampleRate);
        return [.. resampler.Push(mono), .. resampler.Finish()];
    }
}
