using System.Buffers.Binary;
using NAudio.Wave;

namespace SpeechEmotion.Audio;

/// <summary>Turns interleaved PCM or IEEE-float bytes into mono float samples (channels averaged).</summary>
internal static class PcmDecoder
{
    private static readonly Guid PcmSubFormat = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubFormat = new("00000003-0000-0010-8000-00aa00389b71");

    public static bool IsFloat(string path, WaveFormat format)
    {
        var encoding = format.Encoding;
        if (encoding == WaveFormatEncoding.Extensible)
        {
            var subFormat = SubFormat(path, format);
            if (subFormat == PcmSubFormat) encoding = WaveFormatEncoding.Pcm;
            else if (subFormat == FloatSubFormat) encoding = WaveFormatEncoding.IeeeFloat;
            else throw new AudioFormatException(path, $"unsupported encoding: extensible sub-format {subFormat}");
        }
        return encoding switch
        {
            WaveFormatEncoding.Pcm when format.BitsPerSample is 8 or 16 or 24 or 32 => false,
            WaveFormatEncoding.IeeeFloat when format.BitsPerSample is 32 or 64 => true,
            WaveFormatEncoding.Pcm or WaveFormatEncoding.IeeeFloat =>
                throw new AudioFormatException(path, $"unsupported encoding: {encoding} with {format.BitsPerSample} bits per sample"),
            _ => throw new AudioFormatException(path, $"unsupported encoding: {encoding} (format tag {(int)encoding}); only PCM and IEEE float are read"),
        };
    }

    /// <summary>NAudio reads an extensible fmt chunk as extra data: valid bits (2), channel mask (4), sub-format GUID (16).</summary>
    private static Guid SubFormat(string path, WaveFormat format) => format switch
    {
        WaveFormatExtensible ext => ext.SubFormat,
        WaveFormatExtraData { ExtraData.Length: >= 22 } extra => new Guid(extra.ExtraData.AsSpan(6, 16)),
        _ => throw new AudioFormatException(path, "extensible fmt chunk is too short to hold its sub-format"),
    };

    public static float[] ToMono(string path, ReadOnlySpan<byte> data, int channels, int bits, bool isFloat)
    {
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        int frames = data.Length / frameBytes;
        if (frames == 0) throw new AudioFormatException(path, "zero samples: the data chunk holds less than one sample frame");
        var mono = new float[frames];
        double scale = 1.0 / channels;
        for (int f = 0; f < frames; f++)
        {
            double sum = 0;
            var frame = data.Slice(f * frameBytes, frameBytes);
            for (int c = 0; c < channels; c++)
                sum += Sample(frame.Slice(c * bytesPerSample, bytesPerSample), bits, isFloat);
            if (!double.IsFinite(sum))
                throw new AudioFormatException(path, $"sample {f} is NaN or infinite");
            mono[f] = (float)(sum * scale);
        }
        return mono;
    }

    private static double Sample(ReadOnlySpan<byte> b, int bits, bool isFloat) => (bits, isFloat) switch
    {
        (32, true) => BinaryPrimitives.ReadSingleLittleEndian(b),
        (64, true) => BinaryPrimitives.ReadDoubleLittleEndian(b),
        (8, false) => (b[0] - 128) / 128.0,
        (16, false) => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768.0,
        (24, false) => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608.0,
        _ => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0,
    };
}
