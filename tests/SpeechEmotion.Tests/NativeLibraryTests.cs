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
        var publish = SerProcess.RunCommand("dotnet", root, none, "publish", "src/SpeechEmotion.CApi", "-c", "Release",
            "-r", "linux-x64", "-o", native);
        Assert.That(publish.ExitCode, Is.EqualTo(0), publish.Output);
        Assert.That(publish.Output, Does.Not.Contain("warning"),
            "the CPU path compiles with NativeAOT without warnings");
        string exe = Path.Combine(dir.Path, "recognize");
        var compile = SerProcess.RunCommand("cc", root, none, "-O2", "-Wall", "-Werror", "samples/c/recognize.c",
            "-Isrc/SpeechEmotion.CApi", "-L" + native, "-lspeechemotion", "-lm", "-o", exe);
        Assert.That(compile.ExitCode, Is.EqualTo(0), compile.Output);
        var library = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = native };

        using var managed = EmotionRecognizer.FromDefaultModel();
        foreach (var name in new[] { "03a01Wa", "08a02Tb", "16b10Lb" })
        {
            string wav = TestData.EmoDbWav(name);
            var (code, output) = SerProcess.RunCommand(exe, dir.Path, library, "-", wav);
            Assert.That(code, Is.EqualTo(0), output);
            var lines = output.Trim().Split('\n');
            var expected = managed.Recognize(wav);
            Assert.That(lines[0], Is.EqualTo(expected.Label), name);
            foreach (var line in lines.Skip(1))
            {
                var parts = line.Split(' ');
                double p = double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.That(p, Is.EqualTo(expected.Probabilities[parts[0]]).Within(1e-6), $"{name} {parts[0]}");
            }
            Assert.That(lines, Has.Length.EqualTo(1 + managed.Labels.Count));
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
