using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using SpeechEmotion.Data;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>ser download against a zip served from 127.0.0.1 by the test itself.</summary>
public class DownloadTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static byte[] Zip(Func<string, byte[]> content)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var readme = zip.CreateEntry("lablaut/readme.txt").Open())
                readme.Write("not audio"u8);
            foreach (var name in EmoDbDownload.ExpectedSums().Keys)
            {
                using var entry = zip.CreateEntry("wav/" + name, CompressionLevel.NoCompression).Open();
                entry.Write(content(name));
            }
        }
        return ms.ToArray();
    }

    private static async Task<int> Serve(byte[] body, Func<string, Task<int>> client)
    {
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var server = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            ctx.Response.ContentLength64 = body.Length;
            await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        });
        int result = await client($"http://127.0.0.1:{port}/download.zip");
        await server;
        return result;
    }

    [Test]
    public async Task Verified_archive_is_unpacked()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        var zip = Zip(name => File.ReadAllBytes(Path.Combine(wav, name)));
        int files = await Serve(zip, url => EmoDbDownload.RunAsync(url, dir.Path));
        Assert.That(files, Is.EqualTo(535));
        Assert.That(Directory.GetFiles(Path.Combine(dir.Path, "wav")), Has.Length.EqualTo(535));
        Assert.That(
            File.ReadAllBytes(Path.Combine(dir.Path, "wav", "03a01Fa.wav")),
            Is.EqualTo(File.ReadAllBytes(Path.Combine(wav, "03a01Fa.wav")))
        );
    }

    [Test]
    public void Tampered_file_is_named_and_nothing_is_unpacked()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        var zip = Zip(name => name == "11b03Wb.wav" ? [1, 2, 3] : File.ReadAllBytes(Path.Combine(wav, name)));
        var e = Assert.ThrowsAsync<InvalidDataException>(() =>
            Serve(zip, url => EmoDbDownload.RunAsync(url, dir.Path))
        )!;
        Assert.That(e.Message, Does.Contain("11b03Wb.wav"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "wav")), Is.False);
    }

    /// <summary>A local archive (path or file:// URL) works; a run never deletes what the user has in wav/; a file
    /// with an Emo-DB name but other contents stops the run with nothing changed; leftovers of a killed run
    /// go.</summary>
    [Test]
    public async Task Local_archives_keep_the_users_files_and_clean_up_after_a_killed_run()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        string archive = dir.File("emodb.zip", Zip(name => File.ReadAllBytes(Path.Combine(wav, name))));
        string target = Path.Combine(dir.Path, "emodb");
        string mine = dir.File("emodb/wav/my-recording.wav", [1, 2, 3]);
        dir.File("emodb/wav/03a01Fa.wav", File.ReadAllBytes(Path.Combine(wav, "03a01Fa.wav"))); // identical: kept
        string leftover = dir.File("emodb/.download-999999/archive.zip", new byte[10]);

        Assert.That(await EmoDbDownload.RunAsync(archive, target), Is.EqualTo(535));
        Assert.That(File.ReadAllBytes(mine), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Directory.GetFiles(Path.Combine(target, "wav")), Has.Length.EqualTo(536));
        Assert.That(Directory.Exists(Path.GetDirectoryName(leftover)), Is.False);
        Assert.That(
            await EmoDbDownload.RunAsync(new Uri(archive).AbsoluteUri, target),
            Is.EqualTo(535),
            "file:// and a rerun"
        );

        string clash = dir.File("emodb/wav/08a01Ab.wav", [9, 9]);
        var e = Assert.ThrowsAsync<IOException>(() => EmoDbDownload.RunAsync(archive, target))!;
        Assert.That(e.Message, Does.Contain("08a01Ab.wav").And.Contain("nothing was changed"));
        Assert.That(File.ReadAllBytes(clash), Is.EqualTo(new byte[] { 9, 9 }));
        Assert.That(Directory.GetDirectories(target), Has.Length.EqualTo(1), "no staging left behind");
    }

    [Test]
    public void Archive_and_entry_sizes_are_capped_while_streaming()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        string archive = dir.File("emodb.zip", Zip(name => File.ReadAllBytes(Path.Combine(wav, name))));
        var whole = Assert.ThrowsAsync<InvalidDataException>(() =>
            EmoDbDownload.RunAsync(archive, dir.Path, new EmoDbDownload.Limits(ArchiveBytes: 100_000))
        )!;
        Assert.That(whole.Message, Does.Contain("larger than 100000 bytes"));
        var entry = Assert.ThrowsAsync<InvalidDataException>(() =>
            EmoDbDownload.RunAsync(archive, dir.Path, new EmoDbDownload.Limits(EntryBytes: 1000))
        )!;
        Assert.That(entry.Message, Does.Contain("in the archive is larger than 1000 bytes"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "wav")), Is.False);
    }

    [Test]
    public void Offline_says_what_to_do()
    {
        using var dir = new TempDir();
        var e = Assert.ThrowsAsync<IOException>(() =>
            EmoDbDownload.RunAsync($"http://127.0.0.1:{FreePort()}/download.zip", dir.Path)
        )!;
        Assert.That(e.Message, Does.Contain("could not download"));
        Assert.That(e.Message, Does.Contain("unpack its wav/ folder"));
    }

    [Test]
    public void Shipped_sums_cover_the_535_files()
    {
        var sums = EmoDbDownload.ExpectedSums();
        Assert.That(sums, Has.Count.EqualTo(535));
        Assert.That(sums.Values.All(v => v.Length == 64));
    }

    /// <summary>train/loso without --data and without a corpus: an interactive session is asked and, on yes, gets
    /// the verified download; on no, or with nobody to ask, an error that says what to do.</summary>
    [Test]
    public async Task Missing_default_corpus_is_offered_for_download()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        string local = Path.Combine(dir.Path, "data", "emodb"),
            shared = Path.Combine(dir.Path, "shared", "emodb");
        var questions = new List<string>();

        var declined = Assert.Throws<DirectoryNotFoundException>(() =>
            Cli.Commands.EmoDbOffer.Resolve(
                local,
                shared,
                q =>
                {
                    questions.Add(q);
                    return false;
                }
            )
        )!;
        Assert.That(declined.Message, Does.Contain("ser download emodb"));
        Assert.That(questions.Single(), Does.Contain("Download Emo-DB"));
        var script = Assert.Throws<DirectoryNotFoundException>(() =>
            Cli.Commands.EmoDbOffer.Resolve(local, shared, ask: null)
        )!;
        Assert.That(script.Message, Does.Contain($"neither {local} nor {shared} exists"));

        var zip = Zip(name => File.ReadAllBytes(Path.Combine(wav, name)));
        string? resolved = null;
        await Serve(
            zip,
            url => Task.FromResult((resolved = Cli.Commands.EmoDbOffer.Resolve(local, shared, _ => true, url)).Length)
        );
        Assert.That(resolved, Is.EqualTo(local));
        Assert.That(Directory.GetFiles(Path.Combine(local, "wav")), Has.Length.EqualTo(535));
        Assert.That(
            Cli.Commands.EmoDbOffer.Resolve(local, shared, ask: null),
            Is.EqualTo(local),
            "found now, nothing asked"
        );
    }
}
