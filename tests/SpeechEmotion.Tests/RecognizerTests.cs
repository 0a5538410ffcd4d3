using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Data;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>The public recognizer API against the shipped models and real Emo-DB files.</summary>
public class RecognizerTests
{
    private static readonly string[] Files = ["03a01Wa", "08a02Tb", "11b02Na", "16b10Lb"];

    internal static string ShippedModel(string name) =>
        Path.Combine(DataPaths.RepositoryRoot()!, "models", name + ".ser");

    /// <summary>What the training-side code (normalised set, length-sorted batches) predicts for these files.</summary>
    private static float[][] InProcess(string model, IReadOnlyList<(string Path, string Speaker)> files)
    {
        var saved = SavedModel.Load(model);
        var frontEnd = saved.Config.InputFrontEnd();
        var examples = files
            .Select(f => new Example(
                new Utterance(f.Path, saved.Labels[0], f.Speaker),
                frontEnd.Compute(WavReader.ReadMono16k(f.Path)),
                0
            )
            {
                Width = frontEnd.Width,
            })
            .ToList();
        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        using var instance = saved.Instantiate(backend);
        return Predictor.Probabilities(instance, saved.Prepare(examples));
    }

    private static float[] Ordered(EmotionResult r, IReadOnlyList<string> labels) =>
        labels.Select(l => r.Probabilities[l]).ToArray();

    [Test]
    public void File_stream_and_samples_give_what_the_training_code_predicts()
    {
        var paths = Files.Select(TestData.EmoDbWav).ToList();
        var expected = InProcess(ShippedModel("emodb"), paths.Select(p => (p, "")).ToList());
        using var recognizer = EmotionRecognizer.FromFile(ShippedModel("emodb"));
        Assert.That(recognizer.Labels, Has.Count.EqualTo(7));
        for (int i = 0; i < paths.Count; i++)
        {
            var fromFile = recognizer.Recognize(paths[i]);
            using var stream = File.OpenRead(paths[i]);
            var fromStream = recognizer.Recognize(stream);
            var samples = WavReader.ReadMono16k(paths[i]);
            var fromSamples = recognizer.Recognize(samples, 16000);
            Assert.That(Ordered(fromFile, recognizer.Labels), Is.EqualTo(expected[i]).Within(1e-6), paths[i]);
            Assert.That(Ordered(fromStream, recognizer.Labels), Is.EqualTo(Ordered(fromFile, recognizer.Labels)));
            Assert.That(Ordered(fromSamples, recognizer.Labels), Is.EqualTo(Ordered(fromFile, recognizer.Labels)));
            Assert.That(fromFile.Label, Is.EqualTo(recognizer.Labels[Predictor.ArgMax(expected[i])]));
            Assert.That(fromFile.Confidence, Is.EqualTo(expected[i].Max()).Within(1e-6));
            Assert.That(fromFile.Duration.TotalSeconds, Is.EqualTo(samples.Length / 16000.0).Within(1e-9));
            Assert.That(fromFile.ModelName, Is.EqualTo("emodb"));
        }
    }

    [Test]
    public void Concurrent_calls_give_the_sequential_results()
    {
        var paths = Enumerable.Range(0, 24).Select(i => TestData.EmoDbWav(Files[i % Files.Length])).ToList();
        using var recognizer = EmotionRecognizer.FromFile(ShippedModel("emodb"), new RecognizerOptions { Threads = 1 });
        var sequential = paths.Select(p => recognizer.Recognize(p)).ToList();
        var parallel = new EmotionResult[paths.Count];
        Parallel.For(
            0,
            paths.Count,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            i => parallel[i] = recognizer.Recognize(paths[i])
        );
        for (int i = 0; i < paths.Count; i++)
            Assert.That(
                Ordered(parallel[i], recognizer.Labels),
                Is.EqualTo(Ordered(sequential[i], recognizer.Labels)),
                paths[i]
            );
    }

    [Test]
    public void Resampled_input_gives_nearly_the_16k_result()
    {
        using var recognizer = EmotionRecognizer.FromFile(ShippedModel("emodb"));
        var samples = WavReader.ReadMono16k(TestData.EmoDbWav("03a01Wa"));
        var upsampled = new float[samples.Length * 3]; // 48 kHz by linear interpolation: clean enough below 4 kHz
        for (int i = 0; i < upsampled.Length; i++)
        {
            double t = i / 3.0;
            int k = Math.Min((int)t, samples.Length - 2);
            upsampled[i] = (float)(samples[k] + (t - k) * (samples[k + 1] - samples[k]));
        }
        var at16k = recognizer.Recognize(samples, 16000);
        var at48k = recognizer.Recognize(upsampled, 48000);
        Assert.That(at48k.Label, Is.EqualTo(at16k.Label));
        Assert.That(at48k.Duration.TotalSeconds, Is.EqualTo(at16k.Duration.TotalSeconds).Within(1e-3));
    }

    [Test]
    public void A_speaker_normalised_model_needs_a_context_and_then_matches_the_grouped_prediction()
    {
        string model = ShippedModel("emodb-speaker");
        using var recognizer = EmotionRecognizer.FromFile(model);
        Assert.That(recognizer.NeedsSpeakerContext, Is.True);
        var speaker = Directory
            .GetFiles(Path.Combine(TestData.EmoDbFolder(), "wav"), "03*.wav")
            .Order(StringComparer.Ordinal)
            .Take(12)
            .ToList();
        Assert.That(
            () => recognizer.Recognize(speaker[0]),
            Throws.InvalidOperationException.With.Message.Contains("SpeakerContext")
        );
        var context = recognizer.CreateSpeakerContext();
        Assert.That(
            () => recognizer.Recognize(speaker[0], context),
            Throws.InvalidOperationException.With.Message.Contains("empty")
        );
        foreach (var f in speaker)
            context.AddFile(f);
        Assert.That(context.Seconds, Is.GreaterThan(15));
        var expected = InProcess(model, speaker.Select(f => (f, "03")).ToList());
        for (int i = 0; i < speaker.Count; i++)
            Assert.That(
                Ordered(recognizer.Recognize(speaker[i], context), recognizer.Labels),
                Is.EqualTo(expected[i]).Within(2e-6),
                speaker[i]
            );
    }

    [Test]
    public void An_utterance_normalised_model_needs_no_context_matches_the_training_side_and_ignores_the_gain()
    {
        var paths = Files.Select(TestData.EmoDbWav).ToList();
        var frontEnd = FrontEnd.Mel(16, deltas: true, pitch: true);
        var examples = paths
            .Select(
                (p, i) =>
                    new Example(
                        new Utterance(p, i % 2 == 0 ? "anger" : "neutral", ""),
                        frontEnd.Compute(WavReader.ReadMono16k(p)),
                        0
                    )
                    {
                        Width = frontEnd.Width,
                    }
            )
            .ToList();
        var config = new SpeechEmotion.Model.ModelConfig
        {
            Hidden = 4,
            Heads = 2,
            FcSize = 4,
            Classes = 2,
        }.WithFrontEnd(frontEnd);
        var options = new TrainingOptions
        {
            Epochs = 1,
            BatchSize = 2,
            Normalization = FeatureNormalization.Utterance,
        };
        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        var result = new Trainer(backend, config, options, ["anger", "neutral"]).Train(examples, null);
        using var dir = new TempDir();
        var model = Path.Combine(dir.Path, "utterance.ser");
        result.Model.Save(model);
        using var recognizer = EmotionRecognizer.FromFile(model);
        Assert.That(recognizer.NeedsSpeakerContext, Is.False);
        var expected = InProcess(model, paths.Select(p => (p, "")).ToList());
        for (int i = 0; i < paths.Count; i++)
        {
            var samples = WavReader.ReadMono16k(paths[i]);
            var louder = samples.Select(v => v * 4).ToArray();
            Assert.That(
                Ordered(recognizer.Recognize(paths[i]), recognizer.Labels),
                Is.EqualTo(expected[i]).Within(1e-6),
                paths[i]
            );
            // A gain is a constant offset on every log-mel band, which the utterance's own mean removes.
            Assert.That(
                Ordered(recognizer.Recognize(louder, 16000), recognizer.Labels),
                Is.EqualTo(expected[i]).Within(1e-3),
                paths[i] + " × 4"
            );
        }
    }

    [Test]
    public void Audio_longer_than_the_window_is_recognised_in_windows_the_same_from_a_file_and_from_samples()
    {
        var clips = Files.Select(f => WavReader.ReadMono16k(TestData.EmoDbWav(f))).ToList();
        var joined = Enumerable.Range(0, 4).SelectMany(_ => clips.SelectMany(c => c)).ToArray(); // ≈ 25–35 s
        using var dir = new TempDir();
        var path = dir.File("long.wav", WavBytes.Build(3, 1, 16000, 32, WavBytes.Float32(joined)));
        using var recognizer = EmotionRecognizer.FromFile(
            ShippedModel("emodb"),
            new RecognizerOptions { MaxWindowSeconds = 10 }
        );
        var fromFile = recognizer.Recognize(path);
        var fromSamples = recognizer.Recognize(joined, 16000);
        int expectedWindows = (int)Math.Ceiling(joined.Length / 160000.0);
        Assert.That(fromFile.Windows, Is.EqualTo(expectedWindows));
        Assert.That(fromSamples.Windows, Is.EqualTo(expectedWindows));
        Assert.That(
            Ordered(fromFile, recognizer.Labels),
            Is.EqualTo(Ordered(fromSamples, recognizer.Labels)).Within(1e-6)
        );
        Assert.That(fromFile.Probabilities.Values.Sum(), Is.EqualTo(1).Within(1e-5));
        Assert.That(WindowSplit.Sizes(joined.Length, 160000).Sum(), Is.EqualTo(joined.Length));
        Assert.That(WindowSplit.Sizes(joined.Length, 160000).Max(), Is.LessThanOrEqualTo(160000));
    }

    [Test]
    public void The_default_model_on_the_kernels_computes_its_features_there_and_agrees_with_the_cpu()
    {
        // Log-mel, pitch, Δ/ΔΔ and global statistics on the device (FrontEndKernels), then the model: the
        // probabilities of the CPU path. Short clips, one under a window: the CPU accelerator is slow.
        SpeechEmotion.Kernels.Backends.Register();
        var speech = WavReader.ReadMono16k(TestData.EmoDbWav(Files[0]));
        float[][] clips = [speech[3000..12000], speech[12000..17000], speech[20000..20300]];
        using var cpu = EmotionRecognizer.FromDefaultModel(new RecognizerOptions { Device = "cpu" });
        using var kernels = EmotionRecognizer.FromDefaultModel(new RecognizerOptions { Device = "ilgpu-cpu" });
        Assert.That(kernels.DeviceFallback, Is.Null);
        Assert.That((kernels.FeaturesOnDevice, cpu.FeaturesOnDevice), Is.EqualTo((true, false)));
        var expected = cpu.RecognizeBatch(clips);
        var actual = kernels.RecognizeBatch(clips);
        for (int i = 0; i < clips.Length; i++)
            Assert.That(
                Ordered(actual[i], kernels.Labels),
                Is.EqualTo(Ordered(expected[i], cpu.Labels)).Within(1e-4),
                $"clip {i}"
            );
    }

    [Test]
    public void Bad_input_and_devices_give_clear_errors_or_a_stated_fallback()
    {
        using var recognizer = EmotionRecognizer.FromFile(
            ShippedModel("emodb"),
            new RecognizerOptions { Device = "nosuchdevice" }
        );
        Assert.That(recognizer.DeviceFallback, Does.Contain("nosuchdevice"));
        Assert.That(recognizer.Device, Does.StartWith("cpu"));
        Assert.That(
            () => recognizer.Recognize(ReadOnlySpan<float>.Empty, 16000),
            Throws.ArgumentException.With.Message.Contains("no samples")
        );
        Assert.That(
            () => recognizer.Recognize(new float[] { 0.1f, float.NaN }, 16000),
            Throws.ArgumentException.With.Message.Contains("NaN")
        );
        Assert.That(() => recognizer.Recognize(new float[1600], 100), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(
            () => recognizer.Recognize("/nonexistent/x.wav"),
            Throws.InstanceOf<AudioFormatException>().With.Message.Contains("/nonexistent/x.wav")
        );
        using var dir = new TempDir();
        var junk = dir.File("junk.ser", new byte[100]);
        Assert.That(
            () => EmotionRecognizer.FromFile(junk),
            Throws.InstanceOf<ModelFileException>().With.Message.Contains("junk.ser")
        );
    }
}
