namespace SpeechEmotion.Audio;

/// <summary>A WAV file to process, or a path that could not be listed and why.</summary>
public sealed record AudioEntry(string Path, string? Error = null);

/// <summary>
/// Expands files and folders into WAV files: folders are searched recursively (*.wav, any case), in ordinal order
/// per argument; symbolic links to folders are not followed (so a link to ".." cannot loop); a folder that cannot be
/// read, or a path that does not exist, becomes an entry with its error and the walk goes on. Files are only listed
/// here; whether they are regular files is checked when they are opened (<see cref="SafeFile"/>).
/// </summary>
public static class AudioFiles
{
    public static IEnumerable<AudioEntry> Enumerate(IEnumerable<string> paths) => Enumerate(paths, List);

    /// <summary>As <see cref="Enumerate(IEnumerable{string})"/> with the folder listing given (tests make a folder
    /// unreadable this way: permissions do not stop root).</summary>
    internal static IEnumerable<AudioEntry> Enumerate(IEnumerable<string> paths, Lister list)
    {
        foreach (var path in paths)
        {
            if (!Directory.Exists(path))
            {
                yield return File.Exists(path) || IsLink(path)
                    ? new AudioEntry(path)
                    : new AudioEntry(path, "no such file or folder");
                continue;
            }
            var found = new List<AudioEntry>();
            Walk(path, found, list);
            foreach (var entry in found.OrderBy(e => e.Path, StringComparer.Ordinal))
                yield return entry;
        }
    }

    /// <summary>The files and the folders directly inside a folder.</summary>
    internal delegate (string[] Files, string[] Folders) Lister(string folder);

    private static (string[], string[]) List(string folder) =>
        (Directory.GetFiles(folder), Directory.GetDirectories(folder));

    private static void Walk(string folder, List<AudioEntry> found, Lister list)
    {
        string[] files,
            folders;
        try
        {
            (files, folders) = list(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            found.Add(new AudioEntry(folder, $"cannot read folder: {e.Message}"));
            return;
        }
        found.AddRange(
            files.Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase)).Select(f => new AudioEntry(f))
        );
        foreach (var sub in folders.Where(d => !IsLink(d)))
            Walk(sub, found, list);
    }

    private static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
