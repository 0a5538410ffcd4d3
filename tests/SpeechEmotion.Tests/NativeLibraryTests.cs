using SpeechEmotion.Data;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>libspeechemotion.so (NativeAOT) called from C: the sample in samples/c compiled with the system compiler
/// gives the managed API's probabilities, and every kind of bad input is an error code with a message.</summary>
[Category("Slow")]
public class NativeLibraryTests
{
    [Test]
    public void The_C_sample_matches_the_managed_recognizer_and_reports_bad_input()
    {
        string root = DataPaths.RepositoryRoot()!;
        using var dir = new TempDir();
        string native = Path.Combine(dir.Path, "native");
        var none = new Dictionary<string, string>();
        var publish = SerProcess.RunCommand(
            "dotnet",
            root,
            none,
            "publish",
            "src/SpeechEmotion.CApi",
            "-c",
            "Release",
            "--artifacts-path",
            Path.Combine(dir.Path, "artifacts"),
            "-r",
            "linux-x64",
            "-o",
            native
        );
        Assert.That(publish.ExitCode, Is.EqualTo(0), publish.Output);
        Assert.That(
            publish.Output,
            Does.Not.Contain("warning"),
            "the CPU path compiles with NativeAOT without warnings"
        );
        string exe = Path.Combine(dir.Path, "recognize");
        var compile = SerProcess.RunCommand(
            "cc",
            root,
            none,
            "-O2",
            "-Wall",
            "-Werror",
            "samples/c/recognize.c",
            "-Isrc/SpeechEmotion.CApi",
            "-L" + native,
            "-lspeechemotion",
            "-lm",
            "-o",
            exe
        );
        Assert.That(compile.ExitCode, Is.EqualTo(0), compile.Output);
        var library = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = native };

        // All 535 Emo-DB files in one process: the C ABI gives the managed API's label and probabilities (1e-6).
        using var managed = EmotionRecognizer.FromDefaultModel();
        var wavs = Directory
            .GetFiles(Path.Combine(TestData.EmoDbFolder(), "wav"), "*.wav")
            .Order(StringComparer.Ordinal)
            .ToArray();
        var (code, output) = SerProcess.RunCommand(exe, dir.Path, library, ["-", .. wavs]);
        Assert.That(code, Is.EqualTo(0), output);
        var lines = output.Trim().Split('\n');
        int per = 1 + managed.Labels.Count;
        Assert.That(lines, Has.Length.EqualTo(wavs.Length * per));
        var expected = managed.RecognizeBatch(wavs.Select(w => SpeechEmotion.Audio.WavReader.ReadMono16k(w)).ToList());
        for (int f = 0; f < wavs.Length; f++)
        {
            Assert.That(lines[f * per], Is.EqualTo(expected[f].Label), wavs[f]);
            foreach (var line in lines.Skip(f * per + 1).Take(per - 1))
            {
                var parts = line.Split(' ');
                double p = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(p, Is.EqualTo(expected[f].Probabilities[parts[0]]).Within(1e-6), $"{wavs[f]} {parts[0]}");
            }
        }

        var errors = SerProcess.RunCommand(exe, dir.Path, library, RecognizerTests.ShippedModel("emodb"), "--errors");
        Assert.That(errors.ExitCode, Is.EqualTo(0), errors.Output);
        Assert.That(errors.Output, Does.Contain("NaN sample: code -1").And.Contain("missing model: code -3"));
        string corrupt = dir.File("corrupt.ser", new byte[1000]);
        var refused = SerProcess.RunCommand(exe, dir.Path, library, corrupt, TestData.EmoDbWav("03a01Wa"));
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Output, Does.Contain("ser_open: " + corrupt + ": not a SpeechEmotion model file"));
    }
}
