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
            using (var readme = zip.CreateEntry("lablaut/readme.txt").Open()) readme.Write("not audio"u8);
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
        Assert.That(File.ReadAllBytes(Path.Combine(dir.Path, "wav", "03a01Fa.wav")), Is.EqualTo(File.ReadAllBytes(Path.Combine(wav, "03a01Fa.wav"))));
    }

    [Test]
    public void Tampered_file_is_named_and_nothing_is_unpacked()
    {
        string wav = Path.Combine(TestData.EmoDbFolder(), "wav");
        using var dir = new TempDir();
        var zip = Zip(name => name == "11b03Wb.wav" ? [1, 2, 3] : File.ReadAllBytes(Path.Combine(wav, name)));
        var e = Assert.ThrowsAsync<InvalidDataException>(() => Serve(zip, url => EmoDbDownload.RunAsync(url, dir.Path)))!;
        Assert.That(e.Message, Does.Contain("11b03Wb.wav"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "wav")), Is.False);
    }

    [Test]
    public void Offline_says_what_to_do()
    {
        using var dir = new TempDir();
        var e = Assert.ThrowsAsync<IOException>(() => EmoDbDownload.RunAsync($"http://127.0.0.1:{FreePort()}/download.zip", dir.Path))!;
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
        string local = Path.Combine(dir.Path, "data", "emodb"), shared = Path.Combine(dir.Path, "shared", "emodb");
        var questions = new List<string>();

        var declined = Assert.Throws<DirectoryNotFoundException>(() => Cli.Commands.EmoDbOffer.Resolve(local, shared, q => { questions.Add(q); return false; }))!;
        Assert.That(declined.Message, Does.Contain("ser download emodb"));
        Assert.That(questions.Single(), Does.Contain("Download Emo-DB"));
        var script = Assert.Throws<DirectoryNotFoundException>(() => Cli.Commands.EmoDbOffer.Resolve(local, shared, ask: null))!;
        Assert.That(script.Message, Does.Contain($"neither {local} nor {shared} exists"));

        var zip = Zip(name => File.ReadAllBytes(Path.Combine(wav, name)));
        string? resolved = null;
        await Serve(zip, url => Task.FromResult((resolved = Cli.Commands.EmoDbOffer.Resolve(local, shared, _ => true, url)).Length));
        Assert.That(resolved, Is.EqualTo(local));
        Assert.That(Directory.GetFiles(Path.Combine(local, "wav")), Has.Length.EqualTo(535));
        Assert.That(Cli.Commands.EmoDbOffer.Resolve(local, shared, ask: null), Is.EqualTo(local), "found now, nothing asked");
    }
}
