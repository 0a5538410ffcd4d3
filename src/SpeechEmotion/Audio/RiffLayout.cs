using System.Buffers.Binary;

namespace SpeechEmotion.Audio;

/// <summary>
/// Walks the RIFF chunk list before NAudio sees the file, so that truncated or absurd headers become a clear
/// <see cref="AudioFormatException"/> instead of a huge allocation or an end-of-stream deep inside NAudio.
/// Extra chunks (PAD, LIST, bext, ...) are skipped as RIFF allows.
/// </summary>
internal static class RiffLayout
{
    public static void Validate(string path, Stream stream)
    {
        long length = stream.Length;
        Span<byte> head = stackalloc byte[12];
        if (length < 12 || ReadAt(stream, 0, head) < 12)
            throw new AudioFormatException(path, $"truncated header: file has {length} bytes, a WAV header needs at least 44");
        if (!head[..4].SequenceEqual("RIFF"u8) && !head[..4].SequenceEqual("RF64"u8))
            throw new AudioFormatException(path, "not a RIFF/WAVE file (no 'RIFF' tag at offset 0)");
        if (!head[8..12].SequenceEqual("WAVE"u8))
            throw new AudioFormatException(path, "not a RIFF/WAVE file (no 'WAVE' form type at offset 8)");

        bool sawFmt = false;
        long pos = 12;
        Span<byte> chunk = stackalloc byte[8];
        while (pos + 8 <= length)
        {
            ReadAt(stream, pos, chunk);
            string id = System.Text.Encoding.ASCII.GetString(chunk[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            long body = pos + 8;
            if (id == "fmt ")
            {
                if (size < 16) throw new AudioFormatException(path, $"fmt chunk is {size} bytes, needs at least 16");
                if (body + size > length) throw new AudioFormatException(path, "truncated header: fmt chunk runs past the end of the file");
                sawFmt = true;
            }
            else if (id == "data")
            {
                if (!sawFmt) throw new AudioFormatException(path, "data chunk comes before the fmt chunk");
                if (size == 0) throw new AudioFormatException(path, "zero samples: the data chunk is empty");
                if (body + size > length)
                    throw new AudioFormatException(path, $"truncated data: data chunk declares {size} bytes but only {length - body} remain");
                return;
            }
            else if (body + size > length)
            {
                throw new AudioFormatException(path, $"truncated header: '{id.Trim()}' chunk runs past the end of the file");
            }
            pos = body + size + (size & 1); // chunks are word aligned
        }
        throw new AudioFormatException(path, sawFmt ? "truncated: no data chunk found" : "truncated header: no fmt chunk found");
    }

    private static int ReadAt(Stream stream, long offset, Span<byte> buffer)
    {
        stream.Position = offset;
        return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
    }
}
