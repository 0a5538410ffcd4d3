using System.Buffers.Binary;
using System.Text;

namespace SpeechEmotion.Tests.Support;

/// <summary>Builds WAV files byte by byte, so tests can write both good files and precisely broken ones.</summary>
public static class WavBytes
{
    public static byte[] Build(
        short formatTag,
        int channels,
        int sampleRate,
        int bits,
        byte[] data,
        int? blockAlign = null,
        params (string Id, byte[] Body)[] extraChunks
    )
    {
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0); // patched below
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(16);
        w.Write(formatTag);
        w.Write((short)channels);
        w.Write(sampleRate);
        int align = blockAlign ?? channels * bits / 8;
        w.Write(sampleRate * align);
        w.Write((short)align);
        w.Write((short)bits);
        foreach (var (id, body) in extraChunks)
        {
            w.Write(Encoding.ASCII.GetBytes(id));
            w.Write(body.Length);
            w.Write(body);
            if (body.Length % 2 == 1)
                w.Write((byte)0);
        }
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        return bytes;
    }

    public static byte[] Pcm16(float[] interleaved)
    {
        var data = new byte[interleaved.Length * 2];
        for (int i = 0; i < interleaved.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(
                data.AsSpan(2 * i),
                (short)Math.Clamp(Math.Round(interleaved[i] * 32768.0), -32768, 32767)
            );
        return data;
    }

    public static byte[] Float32(float[] interleaved)
    {
        var data = new byte[interleaved.Length * 4];
        for (int i = 0; i < interleaved.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), interleaved[i]);
        return data;
    }

    public static float[] Tone(double hz, int sampleRate, int samples, double amplitude = 0.5) =>
        Enumerable
            .Range(0, samples)
            .Select(n => (float)(amplitude * Math.Sin(2 * Math.PI * hz * n / sampleRate)))
            .ToArray();
}
