using System.Buffers.Binary;
using SpeechEmotion.Audio;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class WavReaderTests
{
    private static readonly float[] Ramp = [0.5f, -0.25f, 0.125f, -0.75f, 0f, 0.375f];

    [TestCase(8)]
    [TestCase(16)]
    [TestCase(24)]
    [TestCase(32)]
    public void Pcm_bit_depths_decode_to_the_same_values(int bits)
    {
        using var dir = new TempDir();
        var data = new byte[Ramp.Length * bits / 8];
        for (int i = 0; i < Ramp.Length; i++)
        {
            long q = (long)Math.Round(Ramp[i] * Math.Pow(2, bits - 1));
            var slot = data.AsSpan(i * bits / 8, bits / 8);
            if (bits == 8)
                slot[0] = (byte)(q + 128);
            else
                for (int b = 0; b < bits / 8; b++)
                    slot[b] = (byte)(q >> (8 * b));
        }
        var path = dir.File("pcm.wav", WavBytes.Build(1, 1, 16000, bits, data));
        var samples = WavReader.ReadMono16k(path);
        Assert.That(samples, Is.EqualTo(Ramp).Within(bits == 8 ? 1.0 / 128 : 1e-6));
    }

    [TestCase(32)]
    [TestCase(64)]
    public void Ieee_float_decodes(int bits)
    {
        using var dir = new TempDir();
        var data = new byte[Ramp.Length * bits / 8];
        for (int i = 0; i < Ramp.Length; i++)
        {
            if (bits == 32)
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), Ramp[i]);
            else
                BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), Ramp[i]);
        }
        var path = dir.File("float.wav", WavBytes.Build(3, 1, 16000, bits, data));
        Assert.That(WavReader.ReadMono16k(path), Is.EqualTo(Ramp));
    }

    [Test]
    public void Channels_are_averaged_to_mono()
    {
        using var dir = new TempDir();
        float[] interleaved = [0.5f, 0.25f, -0.5f, 0.5f, 0.125f, 0.125f];
        var path = dir.File("stereo.wav", WavBytes.Build(3, 2, 16000, 32, WavBytes.Float32(interleaved)));
        Assert.That(WavReader.ReadMono16k(path), Is.EqualTo(new[] { 0.375f, 0f, 0.125f }));
        Assert.That(WavReader.ReadInfo(path).Channels, Is.EqualTo(2));
    }

    [Test]
    public void Extra_chunks_before_data_are_skipped()
    {
        using var dir = new TempDir();
        var path = dir.File(
            "chunks.wav",
            WavBytes.Build(
                1,
                1,
                16000,
                16,
                WavBytes.Pcm16(Ramp),
                null,
                ("PAD ", new byte[4044]),
                ("LIST", "INFOISFT\u0005\0\0\0test\0"u8.ToArray()),
                ("bext", new byte[7])
            )
        );
        Assert.That(WavReader.ReadMono16k(path), Is.EqualTo(Ramp).Within(1e-4));
    }

    [Test]
    public void Extensible_format_with_pcm_subformat_decodes()
    {
        using var dir = new TempDir();
        var wav = WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp));
        // Rewrite the fmt chunk as a 40-byte WAVE_FORMAT_EXTENSIBLE with the PCM sub-format GUID.
        using var ms = new MemoryStream();
        using var w = new BinaryWriter(ms);
        w.Write("RIFF"u8);
        w.Write(0);
        w.Write("WAVE"u8);
        w.Write("fmt "u8);
        w.Write(40);
        w.Write(unchecked((short)0xFFFE));
        w.Write((short)1);
        w.Write(16000);
        w.Write(32000);
        w.Write((short)2);
        w.Write((short)16);
        w.Write((short)22);
        w.Write((short)16);
        w.Write(4);
        w.Write(new Guid("00000001-0000-0010-8000-00aa00389b71").ToByteArray());
        w.Write(wav.AsSpan(36)); // "data" chunk onwards
        w.Flush();
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), bytes.Length - 8);
        Assert.That(WavReader.ReadMono16k(dir.File("ext.wav", bytes)), Is.EqualTo(Ramp).Within(1e-4));
    }

    private static IEnumerable<TestCaseData> BadFiles()
    {
        var good = WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp));
        yield return new TestCaseData("empty", Array.Empty<byte>(), "truncated header").SetName("Empty file");
        yield return new TestCaseData(
            "text",
            "hello, this is not audio at all, just text"u8.ToArray(),
            "not a RIFF/WAVE"
        ).SetName("Not RIFF");
        var notWave = (byte[])good.Clone();
        "AVI "u8.CopyTo(notWave.AsSpan(8));
        yield return new TestCaseData("avi", notWave, "not a RIFF/WAVE").SetName("RIFF but not WAVE");
        yield return new TestCaseData("cut-header", good[..30], "truncated header").SetName("Truncated header");
        yield return new TestCaseData("cut-data", good[..(good.Length - 5)], "truncated data").SetName(
            "Truncated data"
        );
        yield return new TestCaseData("no-samples", WavBytes.Build(1, 1, 16000, 16, []), "zero samples").SetName(
            "Zero samples"
        );
        yield return new TestCaseData("half-sample", WavBytes.Build(1, 2, 16000, 16, [1, 2]), "zero samples").SetName(
            "Less than one frame"
        );
        yield return new TestCaseData(
            "adpcm",
            WavBytes.Build(2, 1, 16000, 4, new byte[64], blockAlign: 256),
            "unsupported encoding"
        ).SetName("ADPCM");
        yield return new TestCaseData(
            "mulaw",
            WavBytes.Build(7, 1, 8000, 8, new byte[64]),
            "unsupported encoding"
        ).SetName("Mu-law");
        yield return new TestCaseData(
            "mp3",
            WavBytes.Build(0x55, 1, 16000, 0, new byte[64], blockAlign: 1),
            "unsupported encoding"
        ).SetName("MP3 in WAV");
        yield return new TestCaseData(
            "pcm12",
            WavBytes.Build(1, 1, 16000, 12, new byte[64], blockAlign: 2),
            "unsupported encoding"
        ).SetName("12-bit PCM");
        yield return new TestCaseData(
            "nan",
            WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32([0.1f, float.NaN, 0.2f])),
            "NaN"
        ).SetName("NaN sample");
        yield return new TestCaseData(
            "inf",
            WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32([0.1f, float.PositiveInfinity])),
            "NaN or infinite"
        ).SetName("Infinite sample");
        yield return new TestCaseData(
            "zero-hz",
            WavBytes.Build(1, 1, 0, 16, WavBytes.Pcm16(Ramp)),
            "sample rate"
        ).SetName("Zero Hz");
        yield return new TestCaseData(
            "huge-hz",
            WavBytes.Build(1, 1, int.MaxValue, 16, WavBytes.Pcm16(Ramp)),
            "sample rate"
        ).SetName("2^31 Hz");
        yield return new TestCaseData(
            "channels",
            WavBytes.Build(1, 65535, 16000, 16, WavBytes.Pcm16(Ramp), blockAlign: 2),
            "channel"
        ).SetName("65535 channels");
        yield return new TestCaseData(
            "no-channels",
            WavBytes.Build(1, 0, 16000, 16, WavBytes.Pcm16(Ramp), blockAlign: 2),
            "channel"
        ).SetName("Zero channels");
        var hugeFmt = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hugeFmt.AsSpan(16), int.MaxValue);
        yield return new TestCaseData("huge-fmt", hugeFmt, "truncated header").SetName("fmt chunk size 2^31");
        var badAlign = WavBytes.Build(1, 2, 16000, 16, new byte[64], blockAlign: 3);
        yield return new TestCaseData("align", badAlign, "block align").SetName("Inconsistent block align");
        yield return new TestCaseData(
            "align0",
            WavBytes.Build(1, 1, 16000, 16, new byte[64], blockAlign: 0),
            "block align 0"
        ).SetName("Block align 0");
        var twoFmt = WavBytes.Build(
            1,
            1,
            16000,
            16,
            WavBytes.Pcm16(Ramp),
            null,
            ("fmt ", good.AsSpan(20, 16).ToArray())
        );
        yield return new TestCaseData("two-fmt", twoFmt, "second fmt chunk").SetName("Duplicate fmt chunk");
        var huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(40), 2_000_000_000);
        yield return new TestCaseData("huge-data", huge, "declares 2000000000 bytes but only 12 remain").SetName(
            "Data size 2 GB"
        );
        var big = WavBytes.Build(3, 1, 16000, 64, new byte[16]);
        BinaryPrimitives.WriteDoubleLittleEndian(big.AsSpan(52), 1e300);
        yield return new TestCaseData("1e300", big, "sample 1 is 1E+300, outside").SetName("float64 sample 1e300");
        var ghz = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(ghz.AsSpan(24), uint.MaxValue);
        yield return new TestCaseData("4ghz", ghz, "sample rate 4294967295 Hz").SetName("4 GHz sample rate");
        var escape = WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp), null, ("\u001b[2J", new byte[2]));
        BinaryPrimitives.WriteUInt32LittleEndian(escape.AsSpan(40), 1_000_000);
        yield return new TestCaseData("escape", escape, "'\\x1b[2J' chunk runs past").SetName(
            "Control characters in a chunk id"
        );
    }

    [TestCaseSource(nameof(BadFiles))]
    public void Bad_input_raises_AudioFormatException_naming_the_file(string name, byte[] bytes, string reason)
    {
        using var dir = new TempDir();
        var path = dir.File(name + ".wav", bytes);
        var e = Assert.Throws<AudioFormatException>(() => WavReader.ReadMono16k(path))!;
        Assert.That(e.Message, Does.Contain(path));
        Assert.That(e.Message, Does.Contain(reason).IgnoreCase);
        Assert.That(e.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void Data_size_0xFFFFFFFF_reads_to_the_end_of_the_file()
    {
        using var dir = new TempDir();
        var bytes = WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), uint.MaxValue);
        Assert.That(WavReader.ReadMono16k(dir.File("streamed.wav", bytes)), Is.EqualTo(Ramp).Within(1e-4));
    }

    [Test]
    public void A_stream_reads_like_the_file_and_a_pipe_ends_where_its_bytes_end()
    {
        using var dir = new TempDir();
        var tone = WavBytes.Tone(300, 22050, 30000);
        var bytes = WavBytes.Build(1, 1, 22050, 16, WavBytes.Pcm16(tone));
        var fromFile = WavReader.ReadMono16k(dir.File("tone.wav", bytes));
        Assert.That(WavReader.ReadMono16k(new MemoryStream(bytes), "memory"), Is.EqualTo(fromFile));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 0x7FFFFFFF); // as arecord writes to a pipe
        // Other chunks: see below.
        Assert.That(WavReader.ReadMono16k(new PipeStream(bytes), "pipe"), Is.EqualTo(fromFile).Within(1e-6));
    }

    [Test, CancelAfter(10_000)]
    public void A_fifo_named_wav_is_refused_without_blocking()
    {
        if (!OperatingSystem.IsLinux())
            Assert.Ignore("FIFOs are a Unix feature; this check runs on Linux");
        using var dir = new TempDir();
        string fifo = Path.Combine(dir.Path, "fifo.wav");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
            mk.WaitForExit();
        var read = Task.Run(() => WavReader.ReadMono16k(fifo));
        Assert.That(Task.WhenAny(read, Task.Delay(5000)).Result, Is.SameAs(read), "reading a FIFO blocked");
        Assert.That(
            read.Exception?.InnerException,
            Is.TypeOf<AudioFormatException>().With.Message.Contains("not a regular file")
        );
    }

    [Test]
    public void Chunked_resampling_equals_resampling_the_whole_signal()
    {
        var tone = WavBytes.Tone(440, 44100, 44100);
        var whole = WavReader.Resample(tone, 44100);
        var resampler = new Resampler(44100);
        var chunked = new List<float>();
        for (int i = 0; i < tone.Length; i += 1000)
            chunked.AddRange(resampler.Push(tone.AsSpan(i, Math.Min(1000, tone.Length - i))));
        chunked.AddRange(resampler.Finish());
        Assert.That(whole, Has.Length.EqualTo(16000));
        Assert.That(chunked, Is.EqualTo(whole).Within(1e-6)); // the fractional read position rounds per call
    }

    /// <summary>A stream that cannot seek and returns at most 1000 bytes per read, like a pipe.</summary>
    private sealed class PipeStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, Math.Min(count, 1000));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1000)]);
    }

    [Test]
    public void Missing_file_is_an_AudioFormatException_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), "ser-does-not-exist-" + Guid.NewGuid() + ".wav");
        var e = Assert.Throws<AudioFormatException>(() => WavReader.ReadMono16k(path))!;
        Assert.That(e.Message, Does.StartWith(path + ": cannot open"));
    }
}
