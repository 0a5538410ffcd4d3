using System.Buffers.Binary;

namespace SpeechEmotion.Audio;

/// <summary>Turns interleaved PCM or IEEE-float bytes into mono float samples (channels averaged).</summary>
internal static class PcmDecoder
{
    /// <summary>IEEE-float samples are nominally within ±1; beyond this they are corrupt (and overflow the
    /// features).</summary>
    public const double MaxFloatMagnitude = 65536;

    /// <summary>Decodes whole frames of <paramref name="data"/> into <paramref name="mono"/>; firstFrame numbers them
    /// in errors.</summary>
    public static void ToMono(
        string path,
        ReadOnlySpan<byte> data,
        Span<float> mono,
        int channels,
        int bits,
        bool isFloat,
        long firstFrame
    )
    {
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        int frames = data.Length / frameBytes;
        double scale = 1.0 / channels;
        for (int f = 0; f < frames; f++)
        {
            double sum = 0;
            var frame = data.Slice(f * frameBytes, frameBytes);
            for (int c = 0; c < channels; c++)
            {
                double v = Sample(frame.Slice(c * bytesPerSample, bytesPerSample), bits, isFloat);
                if (isFloat && !(Math.Abs(v) <= MaxFloatMagnitude))
                    throw new AudioFormatException(
                        path,
                        double.IsFinite(v)
                            ? $"sample {firstFrame + f} is {v:G4}, outside ±{MaxFloatMagnitude} "
                                + "(IEEE-float samples are nominally within ±1)"
                            : $"sample {firstFrame + f} is NaN or infinite"
                    );
                sum += v;
            }
            mono[f] = (float)(sum * scale);
        }
    }

    private static double Sample(ReadOnlySpan<byte> b, int bits, bool isFloat) =>
        (bits, isFloat) switch
        {
            (32, true) => BinaryPrimitives.ReadSingleLittleEndian(b),
            (64, true) => BinaryPrimitives.ReadDoubleLittleEndian(b),
            (8, false) => (b[0] - 128) / 128.0,
            (16, false) => BinaryPrimitives.ReadInt16LittleEndian(b) / 32768.0,
            (24, false) => ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8 >> 8) / 8388608.0,
            _ => BinaryPrimitives.ReadInt32LittleEndian(b) / 2147483648.0,
        };
}
