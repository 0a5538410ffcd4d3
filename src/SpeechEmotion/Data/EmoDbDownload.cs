using System.IO.Compression;
using System.Security.Cryptography;

namespace SpeechEmotion.Data;

/// <summary>
/// Fetches the official Emo-DB archive, checks every one of its 535 WAV files against the SHA-256 sums shipped in
/// this repository (Data/emodb.sha256, the same as ../shared/data/emodb/SHA256SUMS) and unpacks them into DIR/wav.
/// Nothing reaches DIR/wav unless every file checks out, and nothing the user has there is removed.
/// </summary>
public static class EmoDbDownload
{
    public const string OfficialUrl = "http://emodb.bilderbar.info/download/download.zip";

    public static IReadOnlyDictionary<string, string> ExpectedSums()
    {
        using var stream =
            typeof(EmoDbDownload).Assembly.GetManifestResourceStream("emodb.sha256")
            ?? throw new InvalidOperationException("emodb.sha256 is not embedded");
        using var reader = new StreamReader(stream);
        return reader
            .ReadToEnd()
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split("  ", 2))
            .ToDictionary(p => p[1].Trim(), p => p[0]);
    }

    /// <summary>Caps on what one run reads: the archive (the official one is about 40 MB) and each WAV entry (the
    /// largest Emo-DB file is under 1 MB), checked while streaming, never trusted from a header.</summary>
    public sealed record Limits(long ArchiveBytes = 200_000_000, long EntryBytes = 8_000_000);

    public static Task<int> RunAsync(
        string url,
        string targetDir,
        HttpClient? client = null,
        CancellationToken cancel = default
    ) => RunAsync(url, targetDir, new Limits(), client, cancel);

    /// <summary>
    /// Downloads <paramref name="url"/> (http, https, file:// or a local archive path) into a staging file inside
    /// <paramref name="targetDir"/>, verifies every expected file while extracting it, then moves the files into
    /// DIR/wav. Files already in DIR/wav are never deleted: an identical one is kept, a different one with an Emo-DB
    /// name is an error. Leftovers of an interrupted run (staging of a process that no longer exists) go first.
    /// </summary>
    public static async Task<int> RunAsync(
        string url,
        string targetDir,
        Limits limits,
        HttpClient? client = null,
        CancellationToken cancel = default
    )
    {
        var expected = ExpectedSums();
        Directory.CreateDirectory(targetDir);
        RemoveLeftovers(targetDir);
        string staging = Path.Combine(targetDir, ".download-" + Environment.ProcessId);
        Directory.CreateDirectory(staging);
        try
        {
            string zipPath = Path.Combine(staging, "archive.zip");
            await using (var file = File.Create(zipPath))
                await Fetch(url, targetDir, file, limits.ArchiveBytes, client, cancel);
            return Unpack(zipPath, staging, targetDir, expected, limits.EntryBytes);
        }
        finally
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
        }
    }

    private static async Task Fetch(
        string url,
        string targetDir,
        Stream file,
        long cap,
        HttpClient? client,
        CancellationToken cancel
    )
    {
        string? local =
            url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(url).LocalPath
            : !url.Contains("://", StringComparison.Ordinal) ? url
            : null;
        if (local is not null)
        {
            if (!File.Exists(local))
                throw new FileNotFoundException($"no archive at {local}");
            await using var source = File.OpenRead(local);
            await CopyCapped(source, file, cap, local, cancel);
            return;
        }
        var http = client ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancel);
            await CopyCapped(body, file, cap, url, cancel);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new IOException(
                $"could not download {url}: {e.Message}. If this machine is offline, "
                    + "download the archive "
                    + $"elsewhere and pass its path (or a file:// URL) as setting Url, or unpack its wav/ folder into "
                    + $"{Path.Combine(targetDir, "wav")}.",
                e
            );
        }
        finally
        {
            if (client is null)
                http.Dispose();
        }
    }

    private static async Task CopyCapped(Stream source, Stream target, long cap, string what, CancellationToken cancel)
    {
        var buffer = new byte[81920];
        long total = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, cancel)) > 0)
        {
            total += n;
            if (total > cap)
                throw new InvalidDataException($"{what} is larger than {cap} bytes; this is not the Emo-DB archive");
            await target.WriteAsync(buffer.AsMemory(0, n), cancel);
        }
    }

    private static int Unpack(
        string zipPath,
        string staging,
        string targetDir,
        IReadOnlyDictionary<string, string> expected,
        long entryCap
    )
    {
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(zipPath);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"the downloaded file is not a zip archive: {e.Message}", e);
        }
        using (zip)
        {
            var wavs = new Dictionary<string, ZipArchiveEntry>();
            foreach (var e in zip.Entries)
                if (e.FullName.Replace('\\', '/').Split('/') is [.., "wav", var name] && expected.ContainsKey(name))
                    wavs[name] = e;
            var missing = expected.Keys.Where(n => !wavs.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new InvalidDataException(
                    $"the archive lacks {missing.Count} of {expected.Count} Emo-DB files (first: {missing[0]})"
                );
            string files = Path.Combine(staging, "wav");
            Directory.CreateDirectory(files);
            var bad = new List<string>();
            foreach (var (name, sum) in expected)
            {
                using var entry = wavs[name].Open();
                using var output = File.Create(Path.Combine(files, name));
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[65536];
                long total = 0;
                int n;
                while ((n = entry.Read(buffer)) > 0)
                {
                    total += n;
                    if (total > entryCap)
                        throw new InvalidDataException($"{name} in the archive is larger than {entryCap} bytes");
                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                }
                string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (!actual.Equals(sum, StringComparison.Ordinal))
                    bad.Add(name);
            }
            if (bad.Count > 0)
            {
                string first = string.Join(", ", bad.Take(5));
                throw new InvalidDataException($"{bad.Count} file(s) do not match their SHA-256 sums: {first}");
            }
            return Install(files, Path.Combine(targetDir, "wav"), expected);
        }
    }

    /// <summary>Moves verified files into wav/, keeping whatever is there: identical files stay, others are
    /// refused.</summary>
    private static int Install(string verified, string wavDir, IReadOnlyDictionary<string, string> expected)
    {
        Directory.CreateDirectory(wavDir);
        var clashes = expected
            .Where(e =>
            {
                string existing = Path.Combine(wavDir, e.Key);
                if (!File.Exists(existing))
                    return false;
                using var stream = File.OpenRead(existing);
                return !Convert.ToHexStringLower(SHA256.HashData(stream)).Equals(e.Value, StringComparison.Ordinal);
            })
            .Select(e => e.Key)
            .ToList();
        if (clashes.Count > 0)
            throw new IOException(
                $"{wavDir} already holds {clashes.Count} file(s) with Emo-DB names "
                    + "but other contents "
                    + $"(first: {clashes[0]}); move them away and run again (nothing was changed)"
            );
        foreach (var name in expected.Keys)
        {
            string target = Path.Combine(wavDir, name);
            if (!File.Exists(target))
                File.Move(Path.Combine(verified, name), target);
        }
        return expected.Count;
    }

    /// <summary>Staging folders of runs whose process is gone (killed, power cut) are deleted.</summary>
    private static void RemoveLeftovers(string targetDir)
    {
        foreach (var dir in Directory.GetDirectories(targetDir, ".download-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)[".download-".Length..], out int pid) || Alive(pid))
                continue;
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException) { }
        }
    }

    private static bool Alive(int pid)
    {
        if (pid == Environment.ProcessId)
            return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
