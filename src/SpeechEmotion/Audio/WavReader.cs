using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace SpeechEmotion.Audio;

/// <summary>Header facts of a WAV file, read without decoding the samples.</summary>
public sealed record WavInfo(string Path, int SampleRate, int Channels, int BitsPerSample, bool IsFloat, long SampleFrames)
{
    public double DurationSeconds => (double)SampleFrames / SampleRate;
}

/// <summary>
/// Reads WAV files through NAudio into 16 kHz mono float samples: PCM 8/16/24/32-bit, IEEE float 32/64, any channel
/// count (averaged), any sample rate (NAudio's band-limited WDL resampler). Every failure is an
/// <see cref="AudioFormatException"/> naming the file and the reason.
/// </summary>
public static class WavReader
{
    public const int TargetSampleRate = 16000;
    public const int MinSampleRate = 1000;
    public const int MaxSampleRate = 768_000;
    public const int MaxChannels = 64;

    public static WavInfo ReadInfo(string path) => Open(path, (reader, info) => info);

    /// <summary>Samples at <see cref="TargetSampleRate"/>, mono, roughly in [-1, 1].</summary>
    public static float[] ReadMono16k(string path) => Open(path, (reader, info) =>
    {
        var bytes = new byte[reader.Length];
        int read = reader.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
            throw new AudioFormatException(path, $"truncated data: read {read} of {bytes.Length} bytes");
        var mono = PcmDecoder.ToMono(path, bytes, info.Channels, info.BitsPerSample, info.IsFloat);
        return info.SampleRate == TargetSampleRate ? mono : Resample(mono, info.SampleRate);
    });

    public static float[] Resample(float[] mono, int sampleRate)
    {
        var resampler = new WdlResamplingSampleProvider(new ArraySampleProvider(mono, sampleRate), TargetSampleRate);
        int expected = (int)Math.Round((double)mono.Length * TargetSampleRate / sampleRate);
        var output = new float[expected];
        int filled = 0;
        var chunk = new float[4096];
        while (filled < expected)
        {
            int n = resampler.Read(chunk, 0, chunk.Length);
            if (n == 0) break;
            n = Math.Min(n, expected - filled);
            Array.Copy(chunk, 0, output, filled, n);
            filled += n;
        }
        return filled == expected ? output : output[..filled];
    }

    private static T Open<T>(string path, Func<WaveFileReader, WavInfo, T> body)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot open: {e.Message}", e);
        }
        using (stream)
        {
            RiffLayout.Validate(path, stream);
            stream.Position = 0;
            try
            {
                using var reader = new WaveFileReader(stream);
                var format = reader.WaveFormat;
                var info = Check(path, format, reader.Length);
                return body(reader, info);
            }
            catch (AudioFormatException) { throw; }
            catch (Exception e) when (e is FormatException or IOException or ArgumentException or InvalidDataException
                                          or OverflowException or NotSupportedException or InvalidOperationException)
            {
                throw new AudioFormatException(path, $"invalid WAV: {e.Message}", e);
            }
        }
    }

    private static WavInfo Check(string path, WaveFormat format, long dataBytes)
    {
        if (format.SampleRate is < MinSampleRate or > MaxSampleRate)
            throw new AudioFormatException(path, $"absurd sample rate {format.SampleRate} Hz (expected {MinSampleRate}..{MaxSampleRate})");
        if (format.Channels is < 1 or > MaxChannels)
            throw new AudioFormatException(path, $"absurd channel count {format.Channels} (expected 1..{MaxChannels})");
        bool isFloat = PcmDecoder.IsFloat(path, format);
        int frameBytes = format.Channels * format.BitsPerSample / 8;
        if (format.BlockAlign != frameBytes)
            throw new AudioFormatException(path, $"block align {format.BlockAlign} does not match {format.Channels} channels x {format.BitsPerSample} bits");
        long frames = dataBytes / frameBytes;
        if (frames == 0) throw new AudioFormatException(path, "zero samples: the data chunk holds less than one sample frame");
        return new WavInfo(path, format.SampleRate, format.Channels, format.BitsPerSample, isFloat, frames);
    }
}
