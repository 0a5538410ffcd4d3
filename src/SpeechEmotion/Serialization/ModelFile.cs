using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpeechEmotion.Serialization;

/// <summary>A model or checkpoint file that cannot be read; the message names the file and says why.</summary>
public sealed class ModelFileException(string path, string reason, Exception? inner = null) : Exception($"{path}: {reason}", inner)
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
        header["tensors"] = new JsonArray(tensors.Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["length"] = t.Data.Length }).ToArray());
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
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
            foreach (var (_, data) in tensors) Put(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            stream.Write(hash.GetHashAndReset());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    public static (JsonObject Header, Dictionary<string, float[]> Tensors) Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ModelFileException(path, $"cannot read: {e.Message}", e); }
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFileException(path, "not a SpeechEmotion model file (wrong magic)");
        if (bytes.Length < 16) throw new ModelFileException(path, $"truncated: {bytes.Length} bytes, the header alone needs 16");
        int version = BitConverter.ToInt32(bytes, 8);
        if (version > FormatVersion) throw new ModelFileException(path, $"written by a newer version (format {version}; this build reads up to {FormatVersion})");
        if (version < 1) throw new ModelFileException(path, $"corrupted: format version {version}");
        int headerLength = BitConverter.ToInt32(bytes, 12);
        if (headerLength < 2 || 16L + headerLength + 32 > bytes.Length)
            throw new ModelFileException(path, $"truncated: header of {headerLength} bytes does not fit in {bytes.Length}");
        JsonObject header;
        List<(string Name, int Length)> entries;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(16, headerLength))!.AsObject();
            entries = header["tensors"]!.AsArray().Select(t => (t!["name"]!.GetValue<string>(), t["length"]!.GetValue<int>())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new ModelFileException(path, "corrupted: header is not valid JSON", e);
        }
        long expected = 16L + headerLength + 4L * entries.Sum(e => (long)e.Length) + 32;
        if (bytes.Length < expected) throw new ModelFileException(path, $"truncated: {bytes.Length} of {expected} bytes");
        if (bytes.Length > expected) throw new ModelFileException(path, $"corrupted: {bytes.Length - expected} unexpected trailing bytes");
        var checksum = SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32));
        if (!checksum.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new ModelFileException(path, "corrupted: checksum mismatch");
        var tensors = new Dictionary<string, float[]>();
        int offset = 16 + headerLength;
        foreach (var (name, length) in entries)
        {
            tensors[name] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, 4 * length)).ToArray();
            offset += 4 * length;
        }
        return (header, tensors);
    }
}
