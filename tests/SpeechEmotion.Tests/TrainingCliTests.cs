using System.Text.Json.Nodes;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Model;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>train, loso, evaluate and predict end to end on a small synthetic Emo-DB-style corpus written by the
/// test.</summary>
public class TrainingCliTests
{
    private static readonly (char Code, double Hz)[] Tones = [('W', 300), ('T', 900), ('N', 2100)];

    internal static string WriteCorpus(TempDir dir)
    {
        var random = new Random(4);
        foreach (var speaker in new[] { "03", "08", "09" })
        foreach (var (code, hz) in Tones)
            for (int k = 0; k < 3; k++)
            {
                var audio = Enumerable
                    .Range(0, 3200 + random.Next(1600))
                    .Select(n =>
                        (float)(0.3 * Math.Sin(2 * Math.PI * hz * n / 16000) + 0.05 * (random.NextDouble() - 0.5))
                    )
                    .ToArray();
                dir.File(
                    $"corpus/wav/{speaker}a0{k + 1}{code}a.wav",
                    WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(audio))
                );
            }
        return Path.Combine(dir.Path, "corpus");
    }

    private static readonly string[] Optimisation =
    [
        "--hidden",
        "8",
        "--epochs",
        "8",
        "--lr",
        "0.01",
        "--batch",
        "4",
        "--loss",
        "crossentropy",
        "--device",
        "cpu",
    ];
    private static readonly string[] Small = [.. Optimisation, "--heads", "2"];

    [Test, Category("Slow")]
    public void Loso_writes_reports_and_skips_finished_folds_on_rerun()
    {
        using var dir = new TempDir();
        var data = WriteCorpus(dir);
        var report = Path.Combine(dir.Path, "report");
        var (code, output) = SerProcess.Run(["loso", "--data", data, "--report", report, .. Small]);
        Assert.That(code, Is.EqualTo(0), output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "report.json")))!;
        Assert.That(json["folds"]!.AsArray(), Has.Count.EqualTo(3));
        Assert.That(json["labels"]!.AsArray().Select(l => l!.GetValue<string>()), Has.Member("anger"));
        Assert.That(json["ua"]!.GetValue<double>(), Is.GreaterThan(0.9), "tones are easy on unseen speakers");
        foreach (var key in new[] { "wa", "macro_f1", "confusion", "per_class_recall", "config", "selection" })
            Assert.That(json[key], Is.Not.Null, key);
        foreach (var f in json["folds"]!.AsArray())
        {
            foreach (var key in new[] { "speakers", "ua", "wa", "epochs", "seconds", "device" })
                Assert.That(f![key], Is.Not.Null, key);
            Assert.That(f!["device"]!.GetValue<string>(), Does.StartWith("cpu"), "the device each fold ran on");
        }
        Assert.That(File.ReadAllText(Path.Combine(report, "report.md")), Does.Contain("| true \\ predicted |"));
        foreach (var png in new[] { "confusion.png", "curves.png" })
            Assert.That(new FileInfo(Path.Combine(report, png)).Length, Is.GreaterThan(1000), png);

        var rerun = SerProcess.Run(["loso", "--data", data, "--report", report, .. Small]);
        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Output);
        Assert.That(rerun.Output.Split('\n').Count(l => l.Contains("already done, skipped")), Is.EqualTo(3));
        var fold = JsonNode.Parse(
            File.ReadAllText(
                Directory.GetFiles(Path.Combine(report, "folds"), "fold.json", SearchOption.AllDirectories)[0]
            )
        )!;
        Assert.That(
            fold["Options"]!["LearningRate"]!.GetValue<double>(),
            Is.EqualTo(0.01),
            "a fold records its options"
        );
        var oneCorpus = SerProcess.Run(["loso", "--data", data, "--report", report, .. Small, "--corpus-labels"]);
        Assert.That(
            oneCorpus.Output.Split('\n').Count(l => l.Contains("already done, skipped")),
            Is.EqualTo(3),
            "settings for merged corpora change nothing on one corpus: " + oneCorpus.Output
        );
        var other = SerProcess.Run(["loso", "--data", data, "--report", report, .. Small, "--seed", "7"]);
        Assert.That(other.ExitCode, Is.EqualTo(1), other.Output);
        Assert.That(other.Output, Does.Contain("was trained with other settings"), "folds of two recipes never mix");
    }

    [Test, Category("Slow")]
    public void Loso_with_speed_perturbation_records_the_factors()
    {
        using var dir = new TempDir();
        var json = LosoOnSpeaker09(dir, "--speed-perturb", "0.9,1.1");
        Assert.That(
            json["training"]!["SpeedPerturbation"]!.AsArray().Select(v => v!.GetValue<double>()),
            Is.EqualTo(new[] { 0.9, 1.1 })
        );
        AssertLosoRefused(dir, "'fast' is not a speed factor", "--speed-perturb", "0.9,fast");
    }

    [Test, Category("Slow")]
    public void Loso_with_weight_averaging_reports_it_as_the_selection()
    {
        using var dir = new TempDir();
        var json = LosoOnSpeaker09(dir, "--average-last", "3");
        Assert.That(
            json["selection"]!.GetValue<string>(),
            Does.StartWith("the mean of the weights after each of the last 3 of 8 epochs")
        );
        Assert.That(json["training"]!["AverageLast"]!.GetValue<int>(), Is.EqualTo(3));
        AssertLosoRefused(dir, "between 0 and 8 (the epoch count)", "--average-last", "9");
    }

    [Test, Category("Slow")]
    public void Loso_with_random_crops_records_the_crop()
    {
        using var dir = new TempDir();
        var json = LosoOnSpeaker09(dir, "--crop", "8");
        Assert.That(json["training"]!["Crop"]!.GetValue<int>(), Is.EqualTo(8));
        AssertLosoRefused(dir, "a crop of -2 frames", "--crop", "-2");
    }

    [Test, Category("Slow")]
    public void Loso_with_mixup_records_alpha()
    {
        using var dir = new TempDir();
        var json = LosoOnSpeaker09(dir, "--mixup", "0.4");
        Assert.That(json["training"]!["Mixup"]!.GetValue<double>(), Is.EqualTo(0.4));
        AssertLosoRefused(dir, "mixup α -1", "--mixup", "-1");
    }

    /// <summary>Writes the tone corpus and runs the small LOSO fold for speaker 09 with extra options; its
    /// report.json.</summary>
    private static JsonNode LosoOnSpeaker09(TempDir dir, params string[] options)
    {
        var report = Path.Combine(dir.Path, "report");
        var (code, output) = SerProcess.Run([
            "loso",
            "--data",
            WriteCorpus(dir),
            "--folds",
            "09",
            "--report",
            report,
            .. Small,
            .. options,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "report.json")))!;
        Assert.That(json["ua"]!.GetValue<double>(), Is.GreaterThan(0.9), "tones are easy on unseen speakers");
        return json;
    }

    /// <summary>LOSO on the corpus written by <see cref="LosoOnSpeaker09"/> with bad options: exit 1 and this
    /// message.</summary>
    private static void AssertLosoRefused(TempDir dir, string message, params string[] options)
    {
        var bad = SerProcess.Run([
            "loso",
            "--data",
            Path.Combine(dir.Path, "corpus"),
            "--report",
            Path.Combine(dir.Path, "bad"),
            .. Small,
            .. options,
        ]);
        Assert.That(bad.ExitCode, Is.EqualTo(1));
        Assert.That(bad.Output, Does.Contain(message));
    }

    /// <summary>Two finished runs with different seeds combine into one report that `compare` reads like any
    /// run.</summary>
    [Test, Category("Slow")]
    public void Ensemble_of_two_seeds_writes_a_report_over_the_same_utterances()
    {
        using var dir = new TempDir();
        var data = WriteCorpus(dir);
        var runs = new[] { "1", "2" }
            .Select(seed =>
            {
                var report = Path.Combine(dir.Path, "seed" + seed);
                var (code, output) = SerProcess.Run([
                    "loso",
                    "--data",
                    data,
                    "--folds",
                    "08,09",
                    "--report",
                    report,
                    .. Small,
                    "--seed",
                    seed,
                ]);
                Assert.That(code, Is.EqualTo(0), output);
                return report;
            })
            .ToList();
        var ensemble = Path.Combine(dir.Path, "ensemble");
        var run = SerProcess.Run("ensemble", runs[0], runs[1], "--report", ensemble);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(ensemble, "report.json")))!;
        Assert.That(json["members"]!.AsArray().Select(m => m!["run"]!.GetValue<string>()), Is.EqualTo(runs));
        Assert.That(json["predictions"]!.AsArray(), Has.Count.EqualTo(18));
        Assert.That(json["protocol"]!.GetValue<string>(), Does.Contain("ensemble of 2 runs"));
        Assert.That(File.Exists(Path.Combine(ensemble, "confusion.png")));
        var compare = SerProcess.Run(
            "compare",
            Path.Combine(runs[0], "report.json"),
            Path.Combine(ensemble, "report.json")
        );
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.Output);

        var incomplete = SerProcess.Run("ensemble", runs[0], Path.Combine(dir.Path, "nothing"), "--report", ensemble);
        Assert.That(incomplete.ExitCode, Is.EqualTo(1));
        Assert.That(incomplete.Output, Does.Contain("nothing/report.json does not exist"));
    }

    [Test, Category("Slow")]
    public void Train_then_evaluate_and_predict_with_a_bad_file_among_good_ones()
    {
        using var dir = new TempDir();
        var (data, model, output) = TrainOnCorpus(dir, "--val-speakers", "08");
        Assert.That(output, Does.Contain("early stopping"));
        Assert.That(output, Does.Contain("test speakers 09: UA"));
        Assert.That(File.Exists(model + ".ckpt"), Is.False, "checkpoint removed after a finished run");

        var evaluate = SerProcess.Run(
            "evaluate",
            "--model",
            model,
            "--data",
            data,
            "--speakers",
            "09",
            "--device",
            "cpu"
        );
        Assert.That(evaluate.ExitCode, Is.EqualTo(0), evaluate.Output);
        Assert.That(evaluate.Output, Does.Contain("UA"));

        var bad = dir.File("corpus/wav/bad.wav", "RIFF0000WAVE"u8.ToArray());
        var predict = SerProcess.Run("predict", "--model", model, Path.Combine(data, "wav"), "--json");
        Assert.That(predict.ExitCode, Is.EqualTo(1), "one file failed");
        var lines = JsonLines(predict.Output);
        Assert.That(lines, Has.Count.EqualTo(28));
        Assert.That(lines.Single(l => l["error"] is not null)["path"]!.GetValue<string>(), Is.EqualTo(bad));
        var anger = lines.Where(l => l["path"]!.GetValue<string>().Contains("09a01W")).Single();
        Assert.That(anger["emotion"]!.GetValue<string>(), Is.EqualTo("anger"));
        Assert.That(
            anger["probabilities"]!.AsObject().Sum(p => p.Value!.GetValue<double>()),
            Is.EqualTo(1).Within(1e-4)
        );
    }

    /// <summary>A speaker-normalised model needs each speaker's statistics at prediction time: --speaker-of emodb must
    /// give exactly what the speaker's files normalised together give in-process; --speaker-of file uses one file's own
    /// statistics and warns.</summary>
    [Test, Category("Slow")]
    public void Predict_with_a_speaker_normalised_model_groups_files_by_speaker()
    {
        using var dir = new TempDir();
        var (data, model, _) = TrainOnCorpus(dir, "--normalize", "speaker");
        var saved = SavedModel.Load(model);
        Assert.That(saved.Normalization, Is.EqualTo(FeatureNormalization.Speaker));
        var speaker09 = Directory.GetFiles(Path.Combine(data, "wav"), "09*.wav").Order(StringComparer.Ordinal).ToList();
        var nameless = dir.File(
            "corpus/wav/take1.wav",
            WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(new float[4000]))
        );

        var grouped = SerProcess.Run(
            "predict",
            "--model",
            model,
            "--speaker-of",
            "emodb",
            "--json",
            Path.Combine(data, "wav")
        );
        Assert.That(grouped.ExitCode, Is.EqualTo(1), "take1.wav has no speaker number");
        var lines = JsonLines(grouped.Output);
        Assert.That(lines, Has.Count.EqualTo(28));
        Assert.That(lines.Single(l => l["error"] is not null)["path"]!.GetValue<string>(), Is.EqualTo(nameless));
        Assert.That(
            lines.Single(l => l["error"] is not null)["error"]!.GetValue<string>(),
            Does.Contain("choose another --speaker-of"),
            "the library's setting name, said as the CLI's flag"
        );
        var expected = InProcess(saved, speaker09.Select(f => (f, "09")).ToList());
        for (int i = 0; i < speaker09.Count; i++)
            Assert.That(
                Probabilities(lines.Single(l => l["path"]!.GetValue<string>() == speaker09[i])),
                Is.EqualTo(expected[i]).Within(2e-6),
                speaker09[i]
            );

        var alone = SerProcess.Run("predict", "--model", model, "--speaker-of", "file", "--json", speaker09[0]);
        Assert.That(alone.ExitCode, Is.EqualTo(0), alone.Output);
        Assert.That(alone.Output, Does.Contain("warning: speaker-normalised model"));
        Assert.That(
            Probabilities(JsonLines(alone.Output).Single()),
            Is.EqualTo(InProcess(saved, [(speaker09[0], "alone")])[0]).Within(2e-6)
        );

        var kernels = SerProcess.Run(
            "predict",
            "--model",
            model,
            "--speaker-of",
            "file",
            "--json",
            "--device",
            "ilgpu-cpu",
            speaker09[0]
        );
        Assert.That(kernels.ExitCode, Is.EqualTo(0), kernels.Output);
        Assert.That(
            Probabilities(JsonLines(kernels.Output).Single()),
            Is.EqualTo(Probabilities(JsonLines(alone.Output).Single())).Within(1e-4),
            "the kernel backend predicts what the CPU does"
        );
    }

    /// <summary>A log-mel model (with or without pitch and deltas) records its front end; evaluate and predict compute
    /// the same inputs from audio.</summary>
    [Category("Slow")]
    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(true, true)]
    public void Mel_model_predicts_from_its_own_front_end(bool deltas, bool pitch)
    {
        using var dir = new TempDir();
        string[] flags =
        [
            "--features",
            "mel",
            "--mel-bands",
            "24",
            .. deltas ? new[] { "--deltas" } : [],
            .. pitch ? new[] { "--pitch" } : [],
        ];
        var (data, model, output) = TrainOnCorpus(dir, flags);
        Assert.That(
            output,
            Does.Contain(
                "log-mel, 24 bands 0–8 kHz"
                    + (pitch ? ", with pitch (log F0, periodicity)" : "")
                    + (deltas ? ", with Δ and ΔΔ" : "")
            )
        );
        var saved = SavedModel.Load(model);
        int width = (pitch ? 26 : 24) * (deltas ? 3 : 1);
        Assert.That(
            (
                saved.Config.Features,
                saved.Config.Deltas,
                saved.Config.Pitch,
                saved.Config.InputSize,
                saved.Normalizer.Bins
            ),
            Is.EqualTo((FeatureKind.Mel, deltas, pitch, width, width))
        );

        var evaluate = SerProcess.Run(
            "evaluate",
            "--model",
            model,
            "--data",
            data,
            "--speakers",
            "09",
            "--device",
            "cpu"
        );
        Assert.That(evaluate.ExitCode, Is.EqualTo(0), evaluate.Output);
        var file = Directory.GetFiles(Path.Combine(data, "wav"), "09a01W*.wav").Single();
        var predict = SerProcess.Run("predict", "--model", model, "--json", file);
        Assert.That(predict.ExitCode, Is.EqualTo(0), predict.Output);
        Assert.That(
            Probabilities(JsonLines(predict.Output).Single()),
            Is.EqualTo(InProcess(saved, [(file, "")])[0]).Within(2e-6)
        );
    }

    /// <summary>Mean+std pooling and input statistics are recorded in the model file; predict gives what the in-process
    /// model gives, on the CPU and through the kernels.</summary>
    [Test, Category("Slow")]
    public void Statistics_pooling_and_input_statistics_model_trains_saves_and_predicts()
    {
        using var dir = new TempDir();
        var (data, model, output) = TrainOnCorpus(dir, "--pool", "meanstd", "--input-stats");
        Assert.That(output, Does.Contain("mean+std pooling, input statistics"));
        var saved = SavedModel.Load(model);
        Assert.That((saved.Config.Pooling, saved.Config.InputStatistics), Is.EqualTo((PoolingKind.MeanStd, true)));
        var fc1Inputs = 4 * saved.Config.Hidden + 2 * saved.Config.InputSize;
        Assert.That(saved.Parameters["fc1.weight"], Has.Length.EqualTo(saved.Config.FcSize * fc1Inputs));
        AssertPredictsAsInProcess(data, model, saved);
        Assert.That(
            SerProcess.Run("train", "--data", data, "--pool", "max").Output,
            Does.Contain("--pool: 'max' is not one of mean, meanstd")
        );
    }

    [Test, Category("Slow")]
    public void Enum_options_read_as_typed_lower_case_with_aliases()
    {
        using var dir = new TempDir();
        string model = Path.Combine(dir.Path, "m.ser");
        var (code, output) = SerProcess.Run(
            "train",
            "--data",
            WriteCorpus(dir),
            "--out",
            model,
            "--hidden",
            "8",
            "--heads",
            "2",
            "--epochs",
            "2",
            "--batch",
            "4",
            "--device",
            "cpu",
            "--loss",
            "ce",
            "--normalize",
            "SPEAKER"
        );
        Assert.That(code, Is.EqualTo(0), output);
        var saved = SavedModel.Load(model);
        Assert.That(
            (saved.Config.Loss, saved.Normalization),
            Is.EqualTo((SpeechEmotion.Engine.LossKind.CrossEntropy, FeatureNormalization.Speaker))
        );
        var refused = SerProcess.Run("train", "--loss", "hinge");
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(
            refused.Output,
            Does.Contain("--loss: 'hinge' is not one of l1, crossentropy (or ce)")
                .And.Not.Contain("SpeechEmotion.Engine")
        );
        var help = SerProcess.Run("train", "--help").Output;
        Assert.That(
            help,
            Does.Contain("--loss <l1|crossentropy>").And.Contain("--normalize <global|speaker|utterance>")
        );
        Assert.That(help, Does.Contain("[default: fp32]").And.Contain("[default: classification]"));
        Assert.That(help, Does.Not.Contain("[default: Fp32]").And.Contain("[default: model.ser]"), "only enums");
    }

    [Test, Category("Slow")]
    public void Dropout_flags_override_the_preset_and_are_recorded()
    {
        using var dir = new TempDir();
        var (data, model, _) = TrainOnCorpus(dir, "--dropout", "0.5", "--attention-dropout", "0.1");
        var config = SavedModel.Load(model).Config;
        Assert.That((config.OutputDropout, config.AttentionDropout), Is.EqualTo((0.5f, 0.1f)));
        var refused = SerProcess.Run("train", "--data", data, "--dropout", "1");
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(refused.Output, Does.Contain("dropout must be in [0, 1)"));
    }

    /// <summary>A model with a convolution before the GRU records it; predict gives what the in-process model gives, on
    /// the CPU and through the kernels.</summary>
    [Test, Category("Slow")]
    public void Convolution_model_trains_saves_and_predicts()
    {
        using var dir = new TempDir();
        var (data, model, output) = TrainOnCorpus(dir, "--conv", "7", "--conv-kernel", "3");
        Assert.That(output, Does.Contain("conv 7×3, Bi-GRU"));
        var saved = SavedModel.Load(model);
        Assert.That((saved.Config.ConvChannels, saved.Config.ConvKernel), Is.EqualTo((7, 3)));
        Assert.That(saved.Parameters["conv.weight"], Has.Length.EqualTo(7 * saved.Config.InputSize * 3));
        AssertPredictsAsInProcess(data, model, saved);
        Assert.That(
            SerProcess.Run("train", "--data", data, "--conv", "8", "--conv-kernel", "4").Output,
            Does.Contain("odd")
        );
    }

    /// <summary>Two 2-D convolutions over time × bands with Δ/ΔΔ as the first one's input channels: recorded,
    /// Conv2d-shaped weights (the second reads the first's 4 channels at each band position), predict as in process; an
    /// even band kernel and layers without channels are refused.</summary>
    [Test, Category("Slow")]
    public void Convolution_over_time_and_bands_trains_saves_and_predicts()
    {
        using var dir = new TempDir();
        var (data, model, output) = TrainOnCorpus(
            dir,
            "--deltas",
            "--conv",
            "4",
            "--conv-kernel",
            "3",
            "--conv-bands",
            "3",
            "--conv-band-stride",
            "3",
            "--conv-layers",
            "2"
        );
        Assert.That(output, Does.Contain("conv2d 4×3×3/3, conv2d 8×3×3/3, Bi-GRU"));
        var saved = SavedModel.Load(model);
        var config = saved.Config;
        Assert.That(
            (config.ConvBandKernel, config.ConvBandStride, config.ConvLayers, config.Deltas),
            Is.EqualTo((3, 3, 2, true))
        );
        Assert.That(saved.Parameters["conv.weight"], Has.Length.EqualTo(4 * 3 * 3 * 3));
        Assert.That(saved.Parameters["conv2.weight"], Has.Length.EqualTo(8 * 4 * 3 * 3));
        int positions = ((config.InputSize / 3 + 2) / 3 + 2) / 3;
        Assert.That(saved.Parameters["gru.weight_ih_l0"], Has.Length.EqualTo(3 * config.Hidden * 8 * positions));
        AssertPredictsAsInProcess(data, model, saved);
        Assert.That(
            SerProcess.Run("train", "--data", data, "--conv", "8", "--conv-bands", "2").Output,
            Does.Contain("odd")
        );
        Assert.That(SerProcess.Run("train", "--data", data, "--conv-layers", "2").Output, Does.Contain("--conv C"));
    }

    /// <summary>`predict` on one held-out file gives what the in-process model gives, on cpu and through the
    /// kernels.</summary>
    private static void AssertPredictsAsInProcess(string data, string model, SavedModel saved)
    {
        var file = Directory.GetFiles(Path.Combine(data, "wav"), "09a01W*.wav").Single();
        var predict = SerProcess.Run("predict", "--model", model, "--json", file);
        Assert.That(predict.ExitCode, Is.EqualTo(0), predict.Output);
        var probabilities = Probabilities(JsonLines(predict.Output).Single());
        Assert.That(probabilities, Is.EqualTo(InProcess(saved, [(file, "")])[0]).Within(2e-6));
        var kernels = SerProcess.Run("predict", "--model", model, "--json", "--device", "ilgpu-cpu", file);
        Assert.That(kernels.ExitCode, Is.EqualTo(0), kernels.Output);
        Assert.That(
            Probabilities(JsonLines(kernels.Output).Single()),
            Is.EqualTo(probabilities).Within(1e-4),
            "the kernel backend predicts what the CPU does"
        );
    }

    /// <summary>Writes the tone corpus and trains a small model on speakers 03 and 08 (09 held out) into
    /// m.ser.</summary>
    private static (string Data, string Model, string Output) TrainOnCorpus(TempDir dir, params string[] options)
    {
        var data = WriteCorpus(dir);
        var model = Path.Combine(dir.Path, "m.ser");
        var (code, output) = SerProcess.Run([
            "train",
            "--data",
            data,
            "--test-speakers",
            "09",
            "--out",
            model,
            .. options,
            .. Small,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        return (data, model, output);
    }

    /// <summary>The JSON objects of `predict --json` (stderr warnings, appended by SerProcess, are not JSON).</summary>
    internal static List<JsonNode> JsonLines(string output) =>
        output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonNode.Parse(l)!)
            .ToList();

    private static double[] Probabilities(JsonNode line) =>
        line["probabilities"]!.AsObject().Select(p => p.Value!.GetValue<double>()).ToArray();

    private static double[][] InProcess(SavedModel saved, List<(string Path, string Speaker)> files)
    {
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
        return Predictor
            .Probabilities(instance, saved.Prepare(examples))
            .Select(p => p.Select(v => (double)v).ToArray())
            .ToArray();
    }

    /// <summary>A job manager's SIGTERM (kill, docker stop, a background job that ignores SIGINT) stops training after
    /// the current batch with a checkpoint, exit 130; rerunning without --resume refuses to overwrite it, with --resume
    /// it continues.</summary>
    [Test, Category("Slow")]
    public void Sigterm_saves_a_checkpoint_and_the_same_command_resumes()
    {
        using var dir = new TempDir();
        var data = WriteCorpus(dir);
        var model = Path.Combine(dir.Path, "m.ser");
        string[] small = ["train", "--data", data, "--out", model, .. Small];
        // Endless, with a loss that cannot blow up however long it runs (L1 on probabilities, small steps).
        var endless = new Dictionary<string, string>
        {
            ["--epochs"] = "100000",
            ["--lr"] = "0.0001",
            ["--loss"] = "l1",
        };
        string[] args = [.. small.Select((a, i) => i > 0 && endless.TryGetValue(small[i - 1], out var v) ? v : a)];
        var info = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ser.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        using var thirdEpoch = new ManualResetEventSlim();
        // Both pipes drained on their own threads, so the child never blocks on a full pipe.
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
                output.AppendLine(e.Data);
            if (e.Data?.Contains("epoch 3:") == true)
                thirdEpoch.Set();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
                output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            Assert.That(thirdEpoch.Wait(TimeSpan.FromMinutes(2)), Is.True, $"no third epoch: {output}");
            Assert.That(Kill(process.Id, 15), Is.EqualTo(0), "SIGTERM sent");
            Assert.That(process.WaitForExit(60_000), Is.True, "stopped within a minute");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(130), output.ToString());
        Assert.That(output.ToString(), Does.Contain("interrupted"));
        Assert.That(File.Exists(model + ".ckpt"), Is.True, "checkpoint written");

        string[] finish = [.. args.Select((a, i) => i > 0 && args[i - 1] == "--epochs" ? "5" : a)];
        var refused = SerProcess.Run(finish);
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(refused.Output, Does.Contain("--resume").And.Contain(model + ".ckpt"));
        var resumed = SerProcess.Run([.. finish, "--resume"]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Output);
        Assert.That(resumed.Output, Does.Contain("resuming from"));
        Assert.That(File.Exists(model), Is.True);
        Assert.That(File.Exists(model + ".ckpt"), Is.False, "checkpoint removed after the finished run");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Test, Category("Slow")]
    public void Sweep_runs_each_setting_and_compare_tests_the_difference()
    {
        using var dir = new TempDir();
        var data = WriteCorpus(dir);
        var report = Path.Combine(dir.Path, "sweep");
        var (code, output) = SerProcess.Run([
            "sweep",
            "--data",
            data,
            "--heads",
            "2,4",
            "--baseline",
            "--folds",
            "03,08",
            "--report",
            report,
            .. Optimisation,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(
            System.Text.RegularExpressions.Regex.Matches(output, @"\d+ utterances, \d+ speakers"),
            Has.Count.EqualTo(1),
            "the features are computed once for all settings"
        );
        var md = File.ReadAllText(Path.Combine(report, "sweep.md"));
        foreach (var setting in new[] { "bigru-baseline", "heads-2", "heads-4" })
            Assert.That(md, Does.Contain($"| {setting} |"));
        Assert.That(new FileInfo(Path.Combine(report, "sweep.png")).Length, Is.GreaterThan(1000));

        var compare = SerProcess.Run(
            "compare",
            Path.Combine(report, "bigru-baseline", "report.json"),
            Path.Combine(report, "heads-2", "report.json")
        );
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.Output);
        Assert.That(compare.Output, Does.Match(@"F\(1, \d+\) = [\d.]+, p = "));
        // 18 utterances per run (speakers 03 and 08): the sweep's row for heads-2 carries the same test against the
        // baseline as `ser compare`, and one ANOVA over the three settings follows the table.
        string f = System.Text.RegularExpressions.Regex.Match(compare.Output, @"F\(1, 34\) = [\d.]+").Value;
        Assert.That(f, Is.Not.Empty, compare.Output);
        Assert.That(md.Split('\n').Single(l => l.StartsWith("| heads-2 |")), Does.Contain(f));
        Assert.That(md, Does.Match(@"over all 3 settings on per-utterance correctness: F\(2, 51\) = [\d.]+, p = "));
    }

    [Test, Category("Slow")]
    public void Random_split_is_labelled_speaker_dependent_and_stratified()
    {
        using var dir = new TempDir();
        var data = WriteCorpus(dir);
        var report = Path.Combine(dir.Path, "random");
        var (code, output) = SerProcess.Run([
            "loso",
            "--data",
            data,
            "--random-split",
            "0.34",
            "--report",
            report,
            .. Small,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "report.json")))!;
        Assert.That(json["protocol"]!.GetValue<string>(), Does.StartWith("SPEAKER-DEPENDENT random"));
        // 9 utterances per class, 34 % each → 3 per class in the test set.
        Assert.That(
            json["confusion"]!.AsArray().Select(r => r!.AsArray().Sum(v => v!.GetValue<int>())).Where(n => n > 0),
            Is.All.EqualTo(3)
        );
    }
}

public class ShippedModelTests
{
    [Test, Category("Slow")]
    public void Predict_without_a_model_uses_the_shipped_default_model()
    {
        var wav = TestData.EmoDbWav("03a01Wa");
        var (code, output) = SerProcess.Run("predict", wav, "--json");
        Assert.That(code, Is.EqualTo(0), output);
        var result = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        var probabilities = result["probabilities"]!.AsObject();
        Assert.That(
            probabilities.Select(p => p.Key),
            Is.EquivalentTo(new[] { "anger", "boredom", "disgust", "fear", "happiness", "sadness", "neutral" })
        );
        Assert.That(probabilities.Sum(p => p.Value!.GetValue<double>()), Is.EqualTo(1).Within(1e-4));
        var model = SpeechEmotion.Serialization.SavedModel.Load(
            Path.Combine(SpeechEmotion.Data.DataPaths.RepositoryRoot()!, "models", "default.ser")
        );
        Assert.That(
            model.Summary["train_utterances"]!.GetValue<int>(),
            Is.EqualTo(535 + 1237 + 400),
            "trained on all of Emo-DB, ASED and URDU"
        );
        Assert.That(model.Summary["options"]!["Recipe"]!.GetValue<string>(), Is.EqualTo("default"));
        Assert.That(
            model.Summary["options"]!["CorpusClassWeights"]!.GetValue<bool>(),
            Is.EqualTo(Recipe.Load("default").Training.CorpusClassWeights),
            "trained with the default recipe as it is now"
        );
    }

    /// <summary>The shipped speaker-normalised model (the best LOSO recipe, all ten speakers): grouped by speaker it
    /// recognises its own training speaker's files; each file alone (statistics from one utterance) it does
    /// not.</summary>
    [Test, Category("Slow")]
    public void Shipped_speaker_model_needs_files_grouped_by_speaker()
    {
        string modelPath = Path.Combine(SpeechEmotion.Data.DataPaths.RepositoryRoot()!, "models", "emodb-speaker.ser");
        var model = SavedModel.Load(modelPath);
        Assert.That(model.Normalization, Is.EqualTo(FeatureNormalization.Speaker));
        Assert.That(model.Summary["train_utterances"]!.GetValue<int>(), Is.EqualTo(535));
        var files = Directory.GetFiles(Path.GetDirectoryName(TestData.EmoDbWav("03a01Wa"))!, "03*.wav");
        double Accuracy(string grouping)
        {
            var (code, output) = SerProcess.Run([
                "predict",
                "--model",
                modelPath,
                "--speaker-of",
                grouping,
                "--json",
                .. files,
            ]);
            Assert.That(code, Is.EqualTo(0), output);
            var lines = TrainingCliTests.JsonLines(output);
            Assert.That(lines, Has.Count.EqualTo(files.Length));
            var labels = EmoDbCorpus.Emotions.ToDictionary(e => e.Code, e => e.Label);
            return lines.Average(l =>
                l["emotion"]!.GetValue<string>() == labels[Path.GetFileName(l["path"]!.GetValue<string>())[5]]
                    ? 1.0
                    : 0.0
            );
        }
        double grouped = Accuracy("emodb"),
            alone = Accuracy("file");
        Assert.That(grouped, Is.GreaterThan(0.8), "speaker 03's 49 files normalised together, as in training");
        Assert.That(alone, Is.LessThan(grouped - 0.2), "one file's own statistics do not match training");
    }
}
