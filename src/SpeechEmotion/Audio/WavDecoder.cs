using System.Buffers.Binary;

namespace SpeechEmotion.Audio;

/// <summary>
/// Reads a RIFF/WAVE (or RF64) stream in chunks: walks the chunk list to the data chunk, checking as it goes, then
/// decodes a few thousand frames per <see cref="Read"/> to mono float at the file's own rate. Nothing is allocated
/// by what a header claims. A seekable stream is checked against its length (a data chunk larger than the file is an
/// error, except the size 0xFFFFFFFF, which means "to the end of the file" as sox and ffmpeg write it when streaming);
/// a pipe ends where its bytes end. Every failure is an <see cref="AudioFormatException"/> naming the source.
/// </summary>
public sealed class WavDecoder : IDisposable
{
    private const uint StreamingSize = 0xFFFFFFFF;
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly string _name;
    private readonly WavFormat _format;
    private readonly byte[] _buffer;
    private long _remaining; // data bytes still to read
    private int _carry; // bytes of a partial frame left over from the last read
    private long _frame;

    public WavDecoder(Stream stream, string name, bool leaveOpen = false)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _name = name;
        (_format, _remaining) = ReadHeader();
        long frames = _remaining == long.MaxValue ? -1 : _remaining / _format.BlockAlign;
        if (frames == 0)
            throw new AudioFormatException(name, "zero samples: the data chunk holds less than one sample frame");
        Info = new WavInfo(name, _format.SampleRate, _format.Channels, _format.BitsPerSample, _format.IsFloat, frames);
        _buffer = new byte[Math.Max(1, 65536 / _format.BlockAlign) * _format.BlockAlign];
    }

    /// <summary>The header's facts; SampleFrames is −1 for a pipe whose data runs to its end.</summary>
    public WavInfo Info { get; }

    /// <summary>Decodes up to mono.Length frames; 0 at the end of the data.</summary>
    public int Read(Span<float> mono)
    {
        int frameBytes = _format.BlockAlign;
        long available = _remaining == long.MaxValue ? long.MaxValue : _remaining + _carry;
        int want = (int)Math.Min(Math.Min(mono.Length, _buffer.Length / frameBytes), available / frameBytes);
        if (want <= 0)
            return 0;
        int have = _carry;
        // A file is read to fill the request; a pipe returns once a frame has arrived, so live audio is not held back.
        int enough = _stream.CanSeek ? want * frameBytes : frameBytes;
        while (have < enough)
        {
            int n = _stream.Read(_buffer, have, want * frameBytes - have);
            if (n == 0)
                break;
            have += n;
            _remaining -= n;
        }
        int frames = have / frameBytes;
        if (frames == 0 && _stream.CanSeek)
            throw Truncated();
        PcmDecoder.ToMono(
            _name,
            _buffer.AsSpan(0, frames * frameBytes),
            mono,
            _format.Channels,
            _format.BitsPerSample,
            _format.IsFloat,
            _frame
        );
        _carry = have - frames * frameBytes;
        _buffer.AsSpan(frames * frameBytes, _carry).CopyTo(_buffer);
        if (frames < want && _stream.CanSeek)
            throw Truncated();
        _frame += frames;
        return frames;
    }

    private AudioFormatException Truncated() =>
        new(_name, $"truncated data: the file ended after {_frame} sample frames");

    private (WavFormat, long) ReadHeader()
    {
        long length = _stream.CanSeek ? _stream.Length - _stream.Position : long.MaxValue;
        Span<byte> head = stackalloc byte[12];
        int got = ReadUpTo(head);
        if (got < 12)
        {
            string source = _stream.CanSeek ? "file" : "stream";
            throw new AudioFormatException(
                _name,
                $"truncated header: {source} has {got} bytes, a WAV header needs at least 44"
            );
        }
        bool rf64 = head[..4].SequenceEqual("RF64"u8);
        if (!head[..4].SequenceEqual("RIFF"u8) && !rf64)
            throw new AudioFormatException(_name, "not a RIFF/WAVE file (no 'RIFF' tag at offset 0)");
        if (!head[8..12].SequenceEqual("WAVE"u8))
            throw new AudioFormatException(_name, "not a RIFF/WAVE file (no 'WAVE' form type at offset 8)");

        WavFormat? format = null;
        long pos = 12,
            rf64DataSize = -1;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> body = stackalloc byte[64];
        while (ReadUpTo(chunk) == 8)
        {
            string id = Printable.Escape(System.Text.Encoding.Latin1.GetString(chunk[..4]));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            pos += 8;
            long left = length - pos;
            if (id == "data")
            {
                if (format is null)
                    throw new AudioFormatException(_name, "data chunk comes before the fmt chunk");
                long declared = rf64 && size == StreamingSize && rf64DataSize >= 0 ? rf64DataSize : size;
                bool toEnd = size == StreamingSize && !(rf64 && rf64DataSize >= 0);
                if (declared == 0)
                    throw new AudioFormatException(_name, "zero samples: the data chunk is empty");
                if (toEnd)
                    return (format, left);
                if (declared > left)
                    throw new AudioFormatException(
                        _name,
                        $"truncated data: data chunk declares {declared} bytes but only {left} remain"
                    );
                return (format, declared);
            }
            if (size > left)
                throw new AudioFormatException(
                    _name,
                    id == "fmt "
                        ? "truncated header: fmt chunk runs past the end of the file"
                        : $"truncated header: '{id.Trim()}' chunk runs past the end of the file"
                );
            int taken = (int)Math.Min(size, body.Length);
            if (ReadUpTo(body[..taken]) < taken)
                throw new AudioFormatException(_name, $"truncated header: '{id.Trim()}' chunk is cut short");
            if (id == "fmt ")
            {
                if (format is not null)
                    throw new AudioFormatException(_name, $"a second fmt chunk at byte {pos - 8} (a WAV has one)");
                if (size < 16)
                    throw new AudioFormatException(_name, $"fmt chunk is {size} bytes, needs at least 16");
                format = WavFormat.Parse(_name, body[..taken]);
            }
            else if (id == "ds64" && rf64 && size >= 16)
            {
                rf64DataSize = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
                if (rf64DataSize < 0)
                    throw new AudioFormatException(_name, "ds64 chunk declares a negative data size");
            }
            Skip(size - taken + (size & 1)); // chunks are word aligned
            pos += size + (size & 1);
        }
        throw new AudioFormatException(
            _name,
            format is not null ? "truncated: no data chunk found" : "truncated header: no fmt chunk found"
        );
    }

    private int ReadUpTo(Span<byte> buffer) => _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    private void Skip(long bytes)
    {
        if (bytes == 0)
            return;
        if (_stream.CanSeek)
        {
            _stream.Seek(bytes, SeekOrigin.Current);
            return;
        }
        var scratch = new byte[(int)Math.Min(bytes, 65536)];
        while (bytes > 0)
        {
            int n = _stream.Read(scratch, 0, (int)Math.Min(bytes, scratch.Length));
            if (n == 0)
                return;
            bytes -= n;
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
