using System.Buffers.Binary;

namespace SpeechEmotion.Audio;

/// <summary>The checked contents of a WAV file's fmt chunk: only PCM 8/16/24/32-bit and IEEE float 32/64
/// pass.</summary>
internal sealed record WavFormat(int SampleRate, int Channels, int BitsPerSample, bool IsFloat)
{
    private const ushort Pcm = 1,
        IeeeFloat = 3,
        Extensible = 0xFFFE;
    private static readonly Guid PcmSubFormat = new("00000001-0000-0010-8000-00aa00389b71");
    private static readonly Guid FloatSubFormat = new("00000003-0000-0010-8000-00aa00389b71");

    public int BlockAlign => Channels * BitsPerSample / 8;

    /// <summary>Checks in the order a reader needs them; every value is read unsigned, so 4 GHz reads as 4
    /// GHz.</summary>
    public static WavFormat Parse(string path, ReadOnlySpan<byte> fmt)
    {
        ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        ushort channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        uint rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        ushort blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        if (rate is < WavReader.MinSampleRate or > WavReader.MaxSampleRate)
            throw new AudioFormatException(
                path,
                $"absurd sample rate {rate} Hz (expected {WavReader.MinSampleRate}..{WavReader.MaxSampleRate})"
            );
        if (channels is < 1 or > WavReader.MaxChannels)
            throw new AudioFormatException(
                path,
                $"absurd channel count {channels} (expected 1..{WavReader.MaxChannels})"
            );
        if (tag == Extensible)
        {
            if (fmt.Length < 40)
                throw new AudioFormatException(path, "extensible fmt chunk is too short to hold its sub-format");
            var sub = new Guid(fmt.Slice(24, 16));
            tag =
                sub == PcmSubFormat ? Pcm
                : sub == FloatSubFormat ? IeeeFloat
                : throw new AudioFormatException(path, $"unsupported encoding: extensible sub-format {sub}");
        }
        bool isFloat = (tag, bits) switch
        {
            (Pcm, 8 or 16 or 24 or 32) => false,
            (IeeeFloat, 32 or 64) => true,
            (Pcm, _) => throw new AudioFormatException(path, $"unsupported encoding: PCM with {bits} bits per sample"),
            (IeeeFloat, _) => throw new AudioFormatException(
                path,
                $"unsupported encoding: IEEE float with {bits} bits per sample"
            ),
            _ => throw new AudioFormatException(
                path,
                $"unsupported encoding: format tag {tag} (0x{tag:X4}); only PCM and IEEE float are read"
            ),
        };
        var format = new WavFormat((int)rate, channels, bits, isFloat);
        if (blockAlign == 0)
            throw new AudioFormatException(path, "block align 0: a sample frame cannot have zero bytes");
        if (blockAlign != format.BlockAlign)
            throw new AudioFormatException(
                path,
                $"block align {blockAlign} does not match {channels} channels x {bits} bits"
            );
        return format;
    }
}
