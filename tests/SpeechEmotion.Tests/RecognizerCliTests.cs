using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SpeechEmotion.Audio;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>`ser predict`, `ser segments` and `ser stream` as a user runs them, on real and deliberately broken
/// files.</summary>
[Category("Slow")]
public class RecognizerCliTests
{
    private static readonly float[] Ramp = [0.5f, -0.25f, 0.125f, -0.75f, 0f, 0.375f];

    private static List<JsonNode> Json(string output) => TrainingCliTests.JsonLines(output);

    private static string PathOf(JsonNode line) => line["path"]!.GetValue<string>();

    /// <summary>A folder with good files among every kind of bad one: each bad one is a line naming it, the good ones
    /// are all predicted once, nothing hangs (FIFO, links to "..") and control characters never reach the
    /// terminal.</summary>
    [Test, CancelAfter(300_000)]
    public void Predict_reports_each_bad_file_and_predicts_the_rest()
    {
        using var dir = new TempDir();
        string mix = Path.Combine(dir.Path, "mix");
        var good = WavReader.ReadMono16k(TestData.EmoDbWav("03a01Wa"));
        dir.File("mix/good.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(good)));
        dir.File("mix/sub/good2.wav", File.ReadAllBytes(TestData.EmoDbWav("08a02Tb")));
        string escaped = dir.File("mix/esc\u001b[31mred.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(good)));
        var long25 = Enumerable.Range(0, 14).SelectMany(_ => good).ToArray(); // ≈ 26.6 s
        string longFile = dir.File("mix/long.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(long25)));
        string align0 = dir.File("mix/align0.wav", WavBytes.Build(1, 1, 16000, 16, new byte[64], blockAlign: 0));
        var ok = WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp));
        string twoFmt = dir.File(
            "mix/twofmt.wav",
            WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(Ramp), null, ("fmt ", ok.AsSpan(20, 16).ToArray()))
        );
        var hugeBytes = (byte[])ok.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(hugeBytes.AsSpan(40), 2_000_000_000);
        string huge = dir.File("mix/huge.wav", hugeBytes);
        var f64 = WavBytes.Build(3, 1, 16000, 64, new byte[16]);
        BinaryPrimitives.WriteDoubleLittleEndian(f64.AsSpan(52), 1e300);
        string big = dir.File("mix/f64.wav", f64);
        string fifo = Path.Combine(mix, "fifo.wav");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", fifo))
            mk.WaitForExit();
        File.CreateSymbolicLink(Path.Combine(mix, "loop1"), "..");
        File.CreateSymbolicLink(Path.Combine(mix, "sub", "loop2"), "..");
        var (code, output) = SerProcess.Run("predict", "--model", RecognizerTests.ShippedModel("emodb"), mix, "--json");
        Assert.That(code, Is.EqualTo(1), output);
        var lines = Json(output);
        var errors = lines.Where(l => l["error"] is not null).ToDictionary(PathOf, l => l["error"]!.GetValue<string>());
        Assert.That(errors[align0], Does.Contain("block align 0"));
        Assert.That(errors[twoFmt], Does.Contain("second fmt chunk"));
        Assert.That(errors[huge], Does.Contain("declares 2000000000 bytes"));
        Assert.That(errors[big], Does.Contain("1E+300"));
        Assert.That(errors[fifo], Does.Contain("not a regular file"));
        Assert.That(errors, Has.Count.EqualTo(5));
        var results = lines.Where(l => l["error"] is null).ToList();
        Assert.That(
            results.Select(PathOf),
            Is.EquivalentTo(
                new[] { Path.Combine(mix, "good.wav"), Path.Combine(mix, "sub", "good2.wav"), escaped, longFile }
            )
        );
        Assert.That(results.All(r => r["model"]!.GetValue<string>() == "emodb"));
        Assert.That(results.Single(r => PathOf(r) == longFile)["windows"]!.GetValue<int>(), Is.EqualTo(3));

        var text = SerProcess.Run("predict", "--model", RecognizerTests.ShippedModel("emodb"), escaped, align0);
        Assert.That(text.Output, Does.Not.Contain("\u001b"));
        Assert.That(text.Output, Does.Contain("esc\\x1b[31mred.wav"));
        Assert.That(text.Output, Does.Contain("model emodb"));
    }

    private static float[] Joined(out double[] starts)
    {
        var clips = new[] { "03a01Wa", "08a02Tb", "16b10Lb" }
            .Select(f => WavReader.ReadMono16k(TestData.EmoDbWav(f)))
            .ToList();
        var all = new List<float>(new float[16000]);
        starts = new double[clips.Count];
        for (int i = 0; i < clips.Count; i++)
        {
            starts[i] = all.Count / 16000.0;
            all.AddRange(clips[i]);
            all.AddRange(new float[16000]);
        }
        return all.ToArray();
    }

    [Test]
    public void Segments_prints_one_line_per_speech_segment_and_draws_the_timeline()
    {
        using var dir = new TempDir();
        var joined = Joined(out var starts);
        string wav = dir.File("joined.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(joined)));
        string png = Path.Combine(dir.Path, "timeline.png");
        var (code, output) = SerProcess.Run(
            "segments",
            wav,
            "--json",
            "--png",
            png,
            "--model",
            RecognizerTests.ShippedModel("emodb")
        );
        Assert.That(code, Is.EqualTo(0), output);
        var lines = Json(output);
        Assert.That(lines.Select(l => l["start"]!.GetValue<double>()), Is.EqualTo(starts).Within(0.3));
        Assert.That(
            lines.All(l =>
                l["probabilities"]!.AsObject().Count == 7
                && l["end"]!.GetValue<double>() > l["start"]!.GetValue<double>()
            )
        );
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000));
    }

    [Test]
    public void Stream_reads_raw_pcm_and_wav_from_standard_input()
    {
        var joined = Joined(out var starts);
        var pcm = WavBytes.Pcm16(joined);
        var raw = SerProcess.RunWithInput(
            pcm,
            "stream",
            "--raw",
            "--rate",
            "16000",
            "--json",
            "--model",
            RecognizerTests.ShippedModel("emodb")
        );
        Assert.That(raw.ExitCode, Is.EqualTo(0), raw.Output);
        var rawLines = Json(raw.Output);
        Assert.That(rawLines.Select(l => l["start"]!.GetValue<double>()), Is.EqualTo(starts).Within(0.3));

        var wav = WavBytes.Build(1, 1, 16000, 16, pcm);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(40), 0x7FFFFFFF); // as arecord writes to a pipe
        var fromWav = SerProcess.RunWithInput(
            wav,
            "stream",
            "--json",
            "--model",
            RecognizerTests.ShippedModel("emodb")
        );
        Assert.That(fromWav.ExitCode, Is.EqualTo(0), fromWav.Output);
        Assert.That(
            Json(fromWav.Output).Select(l => l.ToJsonString()),
            Is.EqualTo(rawLines.Select(l => l.ToJsonString()))
        );

        var junk = SerProcess.RunWithInput(
            "not audio at all"u8.ToArray(),
            "stream",
            "--json",
            "--model",
            RecognizerTests.ShippedModel("emodb")
        );
        Assert.That(junk.ExitCode, Is.EqualTo(1));
        Assert.That(Json(junk.Output).Single()["error"]!.GetValue<string>(), Does.Contain("not a RIFF/WAVE"));
    }

    [Test]
    public void The_sample_application_recognises_a_file_a_stream_and_segments()
    {
        foreach (var model in new[] { "emodb", "emodb-speaker" })
        {
            var (code, output) = SerProcess.RunProgram(
                "RecognizeEmotion.dll",
                RecognizerTests.ShippedModel(model),
                TestData.EmoDbWav("03a01Wa")
            );
            Assert.That(code, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain($"model {model} on cpu"));
            Assert.That(output, Does.Match(@"file: \w+ \(\d+"));
            Assert.That(output, Does.Contain("live: "));
            Assert.That(output, Does.Contain("segment: "));
        }
    }

    /// <summary>A folder that cannot be listed (permission denied here, simulated: the tests may run as root, whom
    /// permissions do not stop) is one entry with its error; its siblings are still listed.</summary>
    [Test]
    public void An_unreadable_folder_is_an_entry_with_its_error_and_the_walk_goes_on()
    {
        using var dir = new TempDir();
        string a = dir.File("top/a.wav", [1]),
            b = dir.File("top/z/b.wav", [1]);
        dir.File("top/locked/c.wav", [1]);
        string locked = Path.Combine(dir.Path, "top", "locked");
        (string[], string[]) List(string folder) =>
            folder == locked
                ? throw new UnauthorizedAccessException($"Access to the path '{folder}' is denied.")
                : (Directory.GetFiles(folder), Directory.GetDirectories(folder));
        var entries = AudioFiles.Enumerate([Path.Combine(dir.Path, "top")], List).ToList();
        Assert.That(entries.Where(e => e.Error is null).Select(e => e.Path), Is.EqualTo(new[] { a, b }));
        Assert.That(entries.Single(e => e.Error is not null).Path, Is.EqualTo(locked));
        var unreadable = entries.Single(e => e.Error is not null);
        Assert.That(unreadable.Error, Does.StartWith("cannot read folder: Access to the path"));
    }
}
