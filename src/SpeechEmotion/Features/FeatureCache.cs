using System.Security.Cryptography;
using System.Text;

namespace SpeechEmotion.Features;

/// <summary>
/// Features of audio files kept on disk between runs, opt-in (`--feature-cache DIR`; `ser suite` uses one so that
/// its jobs, in one process or in many, compute each file's features once). An entry is keyed by the file's full
/// path, size and modification time, the front end and the speed factor; an entry that does not read back whole is
/// computed again. Entries are written to a temporary name and renamed, so concurrent jobs never see half a file.
/// </summary>
public sealed class FeatureCache(string folder)
{
    // Bump when a front end's output changes, so that entries of the old code are not reused.
    private const int Version = 1;
    private static readonly byte[] Magic = "SERF"u8.ToArray();

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>The cached features of <paramref name="audioPath"/>, or <paramref name="compute"/>'s, then
    /// stored.</summary>
    public float[] GetOrCompute(string audioPath, FrontEnd frontEnd, double speed, Func<float[]> compute)
    {
        var file = new FileInfo(audioPath);
        string key = Convert.ToHexString(
            SHA256.HashData(
                Encoding.UTF8.GetBytes(
                    string.Join(
                        "|",
                        Version,
                        file.FullName,
                        file.Length,
                        file.LastWriteTimeUtc.Ticks,
                        frontEnd,
                        frontEnd.Width,
                        speed.ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                    )
                )
            )
        );
        string entry = Path.Combine(Folder, key[..2], key + ".f32");
        if (TryRead(entry, frontEnd.Width) is { } cached)
            return cached;
        var features = compute();
        Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
        string temp = $"{entry}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(features.Length);
            foreach (float v in features)
                writer.Write(v);
        }
        File.Move(temp, entry, overwrite: true);
        return features;
    }

    private static float[]? TryRead(string entry, int width)
    {
        try
        {
            using var stream = File.OpenRead(entry);
            using var reader = new BinaryReader(stream);
            if (!reader.ReadBytes(Magic.Length).SequenceEqual(Magic))
                return null;
            int count = reader.ReadInt32();
            if (count <= 0 || count % width != 0 || stream.Length != Magic.Length + 4 + 4L * count)
                return null;
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = reader.ReadSingle();
            return values;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // absent or unreadable: computed again
        }
    }
}
