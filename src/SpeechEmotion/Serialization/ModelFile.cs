using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpeechEmotion.Serialization;

/// <summary>A model or checkpoint file that cannot be read; the message names the file and says why.</summary>
public sealed class ModelFileException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}", inner)
{
    public string FilePath { get; } = path;
}

/// <summary>
/// The container behind model and checkpoint files: "SERMODEL", int32 format version, int32 header length, a UTF-8
/// JSON header (which names the float32 tensors that follow, in order, with their lengths), the tensors, and a
/// SHA-256 over everything before it. Written atomically (temporary file in the same folder, then rename); every
/// load checks magic, version, size and checksum and says which failed.
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "SERMODEL"u8.ToArray();

    public static void Write(string path, JsonObject header, IReadOnlyList<(string Name, float[] Data)> tensors)
    {
        header["tensors"] = new JsonArray(
            tensors.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["length"] = t.Data.Length }).ToArray()
        );
        var headerBytes = System.Text.Encoding.UTF8.GetBytes(header.ToJsonString());
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            void Put(ReadOnlySpan<byte> bytes)
            {
                stream.Write(bytes);
                hash.AppendData(bytes);
            }
            Put(Magic);
            Put(BitConverter.GetBytes(FormatVersion));
            Put(BitConverter.GetBytes(headerBytes.Length));
            Put(headerBytes);
            foreach (var (_, data) in tensors)
                Put(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            stream.Write(hash.GetHashAndReset());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Largest JSON header read (real ones are a few kB).</summary>
    public const int MaxHeaderBytes = 1 << 20;

    /// <summary>
    /// Reads and checks a model file as untrusted input: the 16-byte head first (magic, version, header length), then
    /// the header, whose tensor list must add up to exactly the file's length before any tensor is allocated; the
    /// tensors are read and hashed in one pass and the SHA-256 compared at the end. Nothing is allocated by what the
    /// file merely claims beyond its own size; every error names the file.
    /// </summary>
    public static (JsonObject Header, Dictionary<string, float[]> Tensors) Read(string path)
    {
        FileStream stream;
        try
        {
            stream = Audio.SafeFile.OpenRegular(path);
        }
        catch (Audio.AudioFormatException e)
        {
            throw new ModelFileException(path, e.Reason, e);
        }
        using (stream)
            return Read(stream, path);
    }

    /// <summary>As <see cref="Read(string)"/> from a seekable stream (e.g. an embedded resource); path labels
    /// errors.</summary>
    public static (JsonObject Header, Dictionary<string, float[]> Tensors) Read(Stream stream, string path)
    {
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            long length = stream.Length;
            var head = new byte[16];
            int got = stream.ReadAtLeast(head, 16, throwOnEndOfStream: false);
            if (got < Magic.Length || !head.AsSpan(0, Magic.Length).SequenceEqual(Magic))
                throw new ModelFileException(path, "not a SpeechEmotion model file (wrong magic)");
            if (got < 16)
                throw new ModelFileException(path, $"truncated: {length} bytes, the header alone needs 16");
            hash.AppendData(head);
            int version = BitConverter.ToInt32(head, 8);
            if (version > FormatVersion)
                throw new ModelFileException(
                    path,
                    $"written by a newer version (format {version}; this build reads up to {FormatVersion})"
                );
            if (version < 1)
                throw new ModelFileException(path, $"corrupted: format version {version}");
            int headerLength = BitConverter.ToInt32(head, 12);
            if (headerLength < 2 || headerLength > MaxHeaderBytes || 16L + headerLength + 32 > length)
                throw new ModelFileException(
                    path,
                    $"truncated: header of {headerLength} bytes does not fit in {length}"
                );
            var headerBytes = ReadExactly(stream, path, headerLength, hash);
            var (header, entries) = ParseHeader(path, headerBytes);
            long expected = 16L + headerLength + 4L * entries.Sum(e => (long)e.Length) + 32;
            if (length < expected)
                throw new ModelFileException(path, $"truncated: {length} of {expected} bytes");
            if (length > expected)
                throw new ModelFileException(path, $"corrupted: {length - expected} unexpected trailing bytes");
            var tensors = new Dictionary<string, float[]>();
            foreach (var (name, count) in entries)
            {
                var data = new float[count];
                var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan());
                if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                    throw new ModelFileException(path, $"truncated in tensor {name}");
                hash.AppendData(bytes);
                tensors[name] = data;
            }
            var checksum = ReadExactly(stream, path, 32, null);
            if (!hash.GetHashAndReset().AsSpan().SequenceEqual(checksum))
                throw new ModelFileException(path, "corrupted: checksum mismatch");
            foreach (var (name, data) in tensors)
            foreach (float v in data)
                if (!float.IsFinite(v))
                    throw new ModelFileException(path, $"tensor {name} holds NaN or infinite values");
            return (header, tensors);
        }
    }

    /// <summary>The JSON header and its tensor list (unique names; lengths whose byte size fits an array).</summary>
    private static (JsonObject, List<(string Name, int Length)>) ParseHeader(string path, byte[] bytes)
    {
        JsonObject header;
        List<(string Name, int Length)> entries;
        try
        {
            header = JsonNode.Parse(bytes)!.AsObject();
            entries = header["tensors"]!
                .AsArray()
                .Select(t => (t!["name"]!.GetValue<string>(), t["length"]!.GetValue<int>()))
                .ToList();
        }
        catch (Exception e)
            when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new ModelFileException(path, "corrupted: header is not valid JSON", e);
        }
        foreach (var (name, count) in entries)
            if (count is < 0 or > int.MaxValue / 4)
                throw new ModelFileException(
                    path,
                    $"corrupted: tensor {name} claims {count} values (at most {int.MaxValue / 4})"
                );
        if (entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ModelFileException(path, $"corrupted: tensor {twice.Key} appears twice");
        return (header, entries);
    }

    private static byte[] ReadExactly(Stream stream, string path, int count, IncrementalHash? hash)
    {
        var bytes = new byte[count];
        if (stream.ReadAtLeast(bytes, count, throwOnEndOfStream: false) < count)
            throw new ModelFileException(path, "truncated");
        hash?.AppendData(bytes);
        return bytes;
    }
}
