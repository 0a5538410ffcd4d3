using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class CliTests
{
    [Test, Category("Slow")]
    public void Corpus_command_counts_emodb()
    {
        var (code, output) = SerProcess.Run("corpus", TestData.EmoDbFolder());
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("535 utterances, 10 speakers, 1487.1 s"));
        Assert.That(output, Does.Contain("No problems found"));
    }

    [Test, Category("Slow")]
    public void Corpus_command_lists_problems_and_strict_fails()
    {
        using var dir = new TempDir();
        dir.File("03a01Wa.wav", WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(WavBytes.Tone(200, 16000, 1000))));
        var broken = dir.File("03a02Wa.wav", "not audio"u8.ToArray());
        var (code, output) = SerProcess.Run("corpus", dir.Path, "--format", "emodb");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("1 utterances"));
        Assert.That(output, Does.Contain(broken));
        var strict = SerProcess.Run("corpus", dir.Path, "--strict");
        Assert.That(strict.ExitCode, Is.EqualTo(1));
        Assert.That(strict.Output, Does.Contain(broken));
    }

    [Test, Category("Slow")]
    public void Spectrogram_command_writes_a_png_and_rejects_bad_files()
    {
        using var dir = new TempDir();
        var wav = dir.File(
            "tone.wav",
            WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(WavBytes.Tone(1000, 16000, 4000)))
        );
        var png = Path.Combine(dir.Path, "tone.png");
        var (code, output) = SerProcess.Run("spectrogram", wav, "--png", png);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("22 frames (10 ms hop) x 400 values: linear spectrogram, 400 bins 0–4 kHz"));
        Assert.That(File.ReadAllBytes(png)[1..4], Is.EqualTo("PNG"u8.ToArray()));
        var mel = SerProcess.Run("spectrogram", wav, "--features", "mel", "--mel-bands", "40", "--png", png);
        Assert.That(mel.ExitCode, Is.EqualTo(0), mel.Output);
        Assert.That(mel.Output, Does.Contain("22 frames (10 ms hop) x 40 values: log-mel, 40 bands 0–8 kHz"));
        var deltas = SerProcess.Run(
            "spectrogram",
            wav,
            "--features",
            "mel",
            "--mel-bands",
            "40",
            "--deltas",
            "--png",
            png
        );
        Assert.That(deltas.ExitCode, Is.EqualTo(0), deltas.Output);
        Assert.That(
            deltas.Output,
            Does.Contain("22 frames (10 ms hop) x 120 values: log-mel, 40 bands 0–8 kHz, with Δ and ΔΔ")
        );
        // Bands, Δ and ΔΔ each get a panel of their own (PNG height from the IHDR chunk).
        var bytes = File.ReadAllBytes(png);
        Assert.That(
            System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)),
            Is.EqualTo(3 * 320)
        );
        var voice = dir.File(
            "voice.wav",
            WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(WavBytes.Tone(220, 16000, 4000)))
        );
        var pitch = SerProcess.Run("spectrogram", voice, "--features", "mel", "--mel-bands", "40", "--pitch");
        Assert.That(pitch.ExitCode, Is.EqualTo(0), pitch.Output);
        Assert.That(
            pitch.Output,
            Does.Contain(
                "22 frames (10 ms hop) x 42 values: log-mel, 40 bands 0–8 kHz, with pitch (log F0, periodicity)"
            )
        );
        Assert.That(pitch.Output, Does.Contain("pitch: 22 of 22 frames voiced, F0 median 220 Hz, range 220–220 Hz"));

        var bad = dir.File("bad.wav", "RIFF"u8.ToArray());
        var failed = SerProcess.Run("spectrogram", bad);
        Assert.That(failed.ExitCode, Is.EqualTo(1));
        Assert.That(failed.Output, Does.Contain(bad + ": truncated header"));
    }
}

public class PlotTests
{
    [Test]
    public void A_spectrogram_has_a_panel_per_kind_of_row()
    {
        Assert.That(
            Cli.Plots.SpectrogramPanels(SpeechEmotion.Features.FrontEnd.Mel(64, deltas: true, pitch: true)),
            Is.EqualTo(new[] { "log-mel energy", "pitch", "Δ (first derivative)", "ΔΔ (second derivative)" })
        );
        Assert.That(
            Cli.Plots.SpectrogramPanels(SpeechEmotion.Features.FrontEnd.Paper),
            Is.EqualTo(new[] { "log power" })
        );
    }
}

public class GradcheckCliTests
{
    [Test, Category("Slow")]
    public void Gradcheck_prints_a_row_per_tensor_and_exits_zero()
    {
        var (code, output) = SpeechEmotion.Tests.Support.SerProcess.Run("gradcheck", "--seed", "3");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("gru.weight_hh_l0_reverse"));
        Assert.That(output, Does.Contain("attention.in_proj_weight"));
        Assert.That(output, Does.Contain("all gradients match"));
        Assert.That(output, Does.Not.Contain("FAIL"));
    }

    /// <summary>`--op` runs the gradient check of the layer built on one `ser doctor` op, and names the ops when it
    /// knows none by that name.</summary>
    [Test, Category("Slow")]
    public void Gradcheck_of_one_op_checks_its_layer_only()
    {
        var (code, output) = SpeechEmotion.Tests.Support.SerProcess.Run("gradcheck", "--op", "attention-backward");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("attention.in_proj_weight"));
        Assert.That(output, Does.Not.Contain("gru.weight_hh_l0"));
        var unknown = SpeechEmotion.Tests.Support.SerProcess.Run("gradcheck", "--op", "gru");
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Output, Does.Contain("unknown op 'gru'").And.Contain("gru-forward"));
        var none = SpeechEmotion.Tests.Support.SerProcess.Run("gradcheck", "--op", "adam");
        Assert.That(none.Output, Does.Contain("adam has no gradient check"));
    }

    /// <summary>The packed GEMM is written once over Vector&lt;T&gt;; these runs take the narrower paths an ARM64 board
    /// (128-bit NEON) or a CPU without SIMD would, by switching off AVX or all hardware intrinsics in the child
    /// runtime.</summary>
    [Category("Slow")]
    [TestCase("DOTNET_EnableAVX", "SIMD 128 bits")]
    [TestCase("DOTNET_EnableHWIntrinsic", "(software)")]
    public void Gradcheck_passes_on_the_portable_simd_paths(string switchOff, string expected)
    {
        var (code, output) = SpeechEmotion.Tests.Support.SerProcess.RunWith(
            new Dictionary<string, string> { [switchOff] = "0" },
            "gradcheck",
            "--seed",
            "5"
        );
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain(expected));
        Assert.That(output, Does.Contain("all gradients match"));
    }

    /// <summary>`ser bench --device cpu --quick` at <paramref name="frames"/> frames.</summary>
    private static (int ExitCode, string Output) QuickBench(int frames, params string[] options) =>
        SpeechEmotion.Tests.Support.SerProcess.Run([
            "bench",
            "--device",
            "cpu",
            "--frames",
            frames.ToString(),
            "--quick",
            .. options,
        ]);

    /// <summary>`ser bench` prints one parseable line per measurement (what the GPU and TorchSharp scripts read) and a
    /// table of medians; lengths other than 300 frames are tagged.</summary>
    [Test, Category("Slow")]
    public void Bench_prints_one_line_per_measurement_and_medians()
    {
        var (code, output) = QuickBench(20);
        Assert.That(code, Is.EqualTo(0), output);
        var lines = output.Split('\n').Where(l => l.StartsWith("ours ")).Select(l => l.Split(' ')).ToList();
        Assert.That(lines.Count(l => l[1] == "train@20"), Is.EqualTo(3));
        Assert.That(lines.Count(l => l[1] == "infer_b1@20"), Is.EqualTo(15));
        Assert.That(lines.Count(l => l[1] == "infer_b32@20"), Is.EqualTo(3));
        Assert.That(
            lines.Select(l => double.Parse(l[2], System.Globalization.CultureInfo.InvariantCulture)),
            Is.All.GreaterThan(0)
        );
        Assert.That(output, Does.Contain("median (ms)"));
    }

    /// <summary>`--recipe` times that recipe's network (the default recipe: 198 inputs, H 64, 4 heads; its GRU
    /// input projection is a 3·64 × 198 product); the functionals baseline has none to time.</summary>
    [Test, Category("Slow")]
    public void Bench_times_a_recipes_network()
    {
        var (code, output) = QuickBench(20, "--profile", "--recipe", "default");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("recipe default").And.Contain("Gemm:640x192x198:NT"));
        var baseline = SpeechEmotion.Tests.Support.SerProcess.Run("bench", "--recipe", "functionals");
        Assert.That(baseline.ExitCode, Is.EqualTo(1));
        Assert.That(baseline.Output, Does.Contain("the functionals baseline has no network to time"));
    }

    /// <summary>`ser bench --profile` times every op of a training step and an inference: each op the model calls
    /// appears with its calls per step (GEMMs by shape), and the training step's ops include the backward
    /// passes.</summary>
    [Test, Category("Slow")]
    public void Bench_profile_lists_every_op_with_its_calls_per_step()
    {
        var (code, output) = QuickBench(12, "--profile");
        Assert.That(code, Is.EqualTo(0), output);
        var ops = output
            .Split('\n')
            .Where(l => l.StartsWith("profile "))
            .Select(l => l.Trim().Split(' '))
            .ToDictionary(
                l => (l[1], l[2]),
                l => (Calls: int.Parse(l[3]), Ms: double.Parse(l[4], System.Globalization.CultureInfo.InvariantCulture))
            );
        foreach (
            var op in new[]
            {
                "GruForward",
                "GruBackward",
                "AttentionForward",
                "AttentionBackward",
                "AdamStep",
                "SoftmaxLoss",
            }
        )
            Assert.That(ops[("train", op)].Calls, Is.EqualTo(1), op);
        Assert.That(ops.Keys, Does.Not.Contain(("infer_b1", "GruBackward")));
        // The input projection of each GRU direction: [B·T, 3H] = [32·12, 384] from 400 bins, B transposed.
        Assert.That(ops[("train", "Gemm:384x384x400:NT")].Calls, Is.EqualTo(2));
        Assert.That(ops[("infer_b1", "Gemm:12x384x400:NT")].Calls, Is.EqualTo(2));
        Assert.That(ops.Values.Select(v => v.Ms), Is.All.GreaterThanOrEqualTo(0));
    }

    /// <summary>`ser bench --throughput`: one line per batch size with utterances per second from audio to
    /// probabilities; a batch size out of range is refused.</summary>
    [Test, Category("Slow")]
    public void Bench_throughput_prints_utterances_per_second_per_batch_size()
    {
        var (code, output) = SpeechEmotion.Tests.Support.SerProcess.Run(
            "bench",
            "--device",
            "cpu",
            "--throughput",
            "1,3",
            "--utterances",
            "3"
        );
        Assert.That(code, Is.EqualTo(0), output);
        var lines = output.Split('\n').Where(l => l.StartsWith("ours throughput ")).Select(l => l.Split(' ')).ToList();
        Assert.That(lines.Select(l => l[2]), Is.EqualTo(new[] { "1", "3" }));
        Assert.That(
            lines.Select(l => double.Parse(l[3], System.Globalization.CultureInfo.InvariantCulture)),
            Is.All.GreaterThan(0)
        );
        var refused = SpeechEmotion.Tests.Support.SerProcess.Run("bench", "--device", "cpu", "--throughput", "0");
        Assert.That(refused.ExitCode, Is.EqualTo(1));
        Assert.That(refused.Output, Does.Contain("'0' is not a batch size from 1 to 1024"));
    }
}
