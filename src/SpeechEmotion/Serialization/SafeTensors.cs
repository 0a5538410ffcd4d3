using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SpeechEmotion.Serialization;

/// <summary>One named float32 tensor with its shape.</summary>
public sealed record NamedTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, string metadata under "__metadata__", then the raw little-endian data. Read as
/// untrusted input like a model file: sizes are checked against the file before anything is allocated.
/// </summary>
public static class SafeTensors
{
    private const int MaxHeaderBytes = 1 << 24;

    public static void Write(
        string path,
        IReadOnlyList<NamedTensor> tensors,
        IReadOnlyDictionary<string, string> metadata
    )
    {
        var header = new JsonObject
        {
            ["__metadata__"] = new JsonObject(metadata.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))),
        };
        long offset = 0;
        foreach (var t in tensors)
        {
            long end = offset + 4L * t.Data.Length;
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, end),
            };
            offset = end;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
        string full = Path.GetFullPath(path);
        string temp = full + $".tmp-{Environment.ProcessId}";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++)
                stream.WriteByte((byte)' ');
            foreach (var t in tensors)
                stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, full, overwrite: true);
    }

    public static (IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(string path)
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
        {
            long length = stream.Length;
            Span<byte> head = stackalloc byte[8];
            if (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) < 8)
                throw new ModelFileException(path, "truncated");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
            if (headerLength < 2 || headerLength > MaxHeaderBytes || 8 + (long)headerLength > length)
                throw new ModelFileException(
                    path,
                    $"not a safetensors file (header length {headerLength} in {length} bytes)"
                );
            var json = new byte[headerLength];
            stream.ReadExactly(json);
            JsonObject header;
            try
            {
                header = JsonNode.Parse(json)!.AsObject();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                throw new ModelFileException(path, "corrupted: header is not valid JSON", e);
            }
            long data = 8 + (long)headerLength;
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            try
            {
                foreach (var (name, node) in header)
                {
                    if (name == "__metadata__")
                    {
                        foreach (var (key, value) in node!.AsObject())
                            metadata[key] = value!.GetValue<string>();
                        continue;
                    }
                    if (node!["dtype"]!.GetValue<string>() != "F32")
                        throw new ModelFileException(path, $"tensor {name} is {node["dtype"]}; only F32 is read");
                    var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
                    var offsets = node["data_offsets"]!.AsArray().Select(o => o!.GetValue<long>()).ToArray();
                    long count = shape.Aggregate(1L, (a, d) => d < 0 ? -1 : a * d);
                    if (
                        offsets.Length != 2
                        || count < 0
                        || count > int.MaxValue / 4
                        || offsets[1] - offsets[0] != 4 * count
                        || offsets[0] < 0
                        || data + offsets[1] > length
                    )
                        throw new ModelFileException(
                            path,
                            $"corrupted: tensor {name} has inconsistent shape and offsets"
                        );
                    entries.Add((name, shape, offsets[0], offsets[1]));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or NullReferenceException or FormatException)
            {
                throw new ModelFileException(path, "corrupted: header entries are malformed", e);
            }
            var tensors = new List<NamedTensor>();
            foreach (var (name, shape, begin, end) in entries.OrderBy(e => e.Begin))
            {
                var values = new float[(end - begin) / 4];
                stream.Position = data + begin;
                stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                tensors.Add(new NamedTensor(name, shape, values));
            }
            return (tensors, metadata);
        }
    }
}
