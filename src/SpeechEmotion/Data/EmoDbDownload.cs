using System.IO.Compression;
using System.Security.Cryptography;

namespace SpeechEmotion.Data;

/// <summary>
/// Fetches the official Emo-DB archive, checks every one of its 535 WAV files against the SHA-256 sums shipped in
/// this repository (Data/emodb.sha256, the same as ../shared/data/emodb/SHA256SUMS) and unpacks them into DIR/wav.
/// Nothing is written to DIR unless every file checks out.
/// </summary>
public static class EmoDbDownload
{
    public const string OfficialUrl = "http://emodb.bilderbar.info/download/download.zip";

    public static IReadOnlyDictionary<string, string> ExpectedSums()
    {
        using var stream = typeof(EmoDbDownload).Assembly.GetManifestResourceStream("emodb.sha256")
            ?? throw new InvalidOperationException("emodb.sha256 is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split("  ", 2)).ToDictionary(p => p[1].Trim(), p => p[0]);
    }

    public static async Task<int> RunAsync(string url, string targetDir, HttpClient? client = null, CancellationToken cancel = default)
    {
        var expected = ExpectedSums();
        string zipPath = Path.GetTempFileName();
        try
        {
            var http = client ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
            try
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
                response.EnsureSuccessStatusCode();
                await using var file = File.Create(zipPath);
                await response.Content.CopyToAsync(file, cancel);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new IOException($"could not download {url}: {e.Message}. If this machine is offline, download the archive elsewhere, " +
                    $"unpack its wav/ folder into {Path.Combine(targetDir, "wav")}, or pass --url with a reachable copy.", e);
            }
            finally
            {
                if (client is null) http.Dispose();
            }
            return Unpack(zipPath, targetDir, expected);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    private static int Unpack(string zipPath, string targetDir, IReadOnlyDictionary<string, string> expected)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(zipPath); }
        catch (InvalidDataException e) { throw new InvalidDataException($"the downloaded file is not a zip archive: {e.Message}", e); }
        using (zip)
        {
            var wavs = zip.Entries.Where(e => e.FullName.Replace('\\', '/').Split('/') is [.., "wav", var name] && name.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(e => e.Name);
            var missing = expected.Keys.Where(n => !wavs.ContainsKey(n)).ToList();
            if (missing.Count > 0) throw new InvalidDataException($"the archive lacks {missing.Count} of {expected.Count} Emo-DB files (first: {missing[0]})");
            string staging = Path.Combine(targetDir, ".download-" + Environment.ProcessId);
            Directory.CreateDirectory(staging);
            try
            {
                var bad = new List<string>();
                foreach (var (name, sum) in expected)
                {
                    string path = Path.Combine(staging, name);
                    wavs[name].ExtractToFile(path, overwrite: true);
                    using var stream = File.OpenRead(path);
                    if (!Convert.ToHexStringLower(SHA256.HashData(stream)).Equals(sum, StringComparison.Ordinal)) bad.Add(name);
                }
                if (bad.Count > 0) throw new InvalidDataException($"{bad.Count} file(s) do not match their SHA-256 sums: {string.Join(", ", bad.Take(5))}");
                string wavDir = Path.Combine(targetDir, "wav");
                if (Directory.Exists(wavDir)) Directory.Delete(wavDir, recursive: true);
                Directory.Move(staging, wavDir);
                return expected.Count;
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
        }
    }
}
