using System.Text.Json.Nodes;
using SpeechEmotion.Data;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>`ser` as users download it: one NativeAOT executable (no .NET needed) and a trimmed self-contained single
/// file. Both are the CPU engine alone; each is published into its own artifacts folder so the test leaves the
/// build tree as it was.</summary>
[Category("Slow")]
public class NativeCliTests
{
    private const long MaxNativeBytes = 25L * 1024 * 1024;
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private static string Publish(TempDir dir, params string[] properties)
    {
        string output = Path.Combine(dir.Path, "ser");
        var (code, log) = SerProcess.RunCommand(
            "dotnet",
            DataPaths.RepositoryRoot()!,
            NoEnvironment,
            [
                "publish",
                "src/SpeechEmotion.Cli",
                "-c",
                "Release",
                "-r",
                "linux-x64",
                "--artifacts-path",
                Path.Combine(dir.Path, "artifacts"),
                "-o",
                output,
                .. properties,
            ]
        );
        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Not.Contain("warning"), "the CPU path publishes without trim or AOT warnings");
        return Path.Combine(output, "ser");
    }

    /// <summary>`ser predict --json` lines by path, checked against the managed recognizer: same label, and
    /// probabilities within 1e-6 (they are printed to six decimals).</summary>
    private static void AssertSamePredictions(string ser, IReadOnlyList<string> wavs)
    {
        var (code, output) = SerProcess.RunCommand(
            ser,
            Path.GetTempPath(),
            NoEnvironment,
            ["predict", "--json", .. wavs]
        );
        Assert.That(code, Is.EqualTo(0), output);
        var lines = output
            .Trim()
            .Split('\n')
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .ToDictionary(j => j["path"]!.GetValue<string>());
        Assert.That(lines, Has.Count.EqualTo(wavs.Count));
        using var managed = EmotionRecognizer.FromDefaultModel();
        var expected = managed.RecognizeBatch(wavs.Select(w => SpeechEmotion.Audio.WavReader.ReadMono16k(w)).ToList());
        for (int i = 0; i < wavs.Count; i++)
        {
            var line = lines[wavs[i]];
            Assert.That(line["emotion"]!.GetValue<string>(), Is.EqualTo(expected[i].Label), wavs[i]);
            foreach (var (label, p) in line["probabilities"]!.AsObject())
                Assert.That(
                    p!.GetValue<double>(),
                    Is.EqualTo(expected[i].Probabilities[label]).Within(1e-6),
                    $"{wavs[i]} {label}"
                );
        }
    }

    [Test]
    public void NativeAOT_ser_is_one_small_executable_with_the_managed_predictions()
    {
        using var dir = new TempDir();
        string ser = Publish(dir, "-p:PublishAot=true");
        long size = new FileInfo(ser).Length;
        Assert.That(size, Is.LessThanOrEqualTo(MaxNativeBytes), $"ser is {size / 1e6:F1} MB");

        var wavs = Directory
            .GetFiles(Path.Combine(TestData.EmoDbFolder(), "wav"), "*.wav")
            .Order(StringComparer.Ordinal)
            .ToArray();
        AssertSamePredictions(ser, wavs);

        var (code, output) = SerProcess.RunCommand(ser, dir.Path, NoEnvironment, "gradcheck");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(
            output,
            Does.Contain("SIMD 256 bits").And.Contain("fused multiply-add yes"),
            "x64 builds target x86-64-v3, so Vector<T> is as wide as under the JIT"
        );

        // Plots need SkiaSharp's native libraries beside ser; without them: the results, then a clear error.
        string wav = TestData.EmoDbWav("03a01Wa");
        string png = Path.Combine(dir.Path, "timeline.png");
        (code, output) = SerProcess.RunCommand(ser, dir.Path, NoEnvironment, "segments", wav, "--png", png);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(1000));
        string alone = Path.Combine(dir.Path, "alone");
        Directory.CreateDirectory(alone);
        File.Copy(ser, Path.Combine(alone, "ser"));
        (code, output) = SerProcess.RunCommand(
            Path.Combine(alone, "ser"),
            dir.Path,
            NoEnvironment,
            "segments",
            wav,
            "--png",
            png
        );
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("s: ").And.Contain("PNG output needs libSkiaSharp"));
        Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void Trimmed_single_file_ser_predicts_and_names_what_it_left_out()
    {
        using var dir = new TempDir();
        string ser = Publish(
            dir,
            "--self-contained",
            "-p:PublishTrimmed=true",
            "-p:PublishSingleFile=true",
            "-p:IncludeNativeLibrariesForSelfExtract=true"
        );
        Assert.That(
            Directory
                .GetFiles(Path.GetDirectoryName(ser)!)
                .Select(Path.GetFileName)
                .Where(f => Path.GetExtension(f) is not (".pdb" or ".xml")),
            Is.EqualTo(new[] { "ser" }),
            "one file"
        );
        AssertSamePredictions(ser, new[] { "03a01Wa", "08b02Nb", "16a07Fa" }.Select(TestData.EmoDbWav).ToList());

        var (code, output) = SerProcess.RunCommand(
            ser,
            dir.Path,
            NoEnvironment,
            "predict",
            "--device",
            "cuda",
            TestData.EmoDbWav("03a01Wa")
        );
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("unknown device 'cuda' (this build has auto | cpu)"));
        (code, output) = SerProcess.RunCommand(ser, dir.Path, NoEnvironment, "--help");
        Assert.That(output, Does.Contain("predict").And.Not.Contain("doctor"));
    }
}
