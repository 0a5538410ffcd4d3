using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Serialization;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>`ser export --format onnx` run by ONNX Runtime on real Emo-DB features, in a padded batch, against our own
/// logits for the same batch.</summary>
public class OnnxExportTests
{
    [Category("Slow")]
    [TestCase("emodb")]
    [TestCase("emodb-speaker")]
    public void Onnx_runtime_gives_our_logits_on_a_padded_batch_of_real_features(string name)
    {
        string modelPath = RecognizerTests.ShippedModel(name);
        var saved = SavedModel.Load(modelPath);
        using var dir = new TempDir();
        string onnx = Path.Combine(dir.Path, name + ".onnx");
        var (code, output) = SerProcess.Run("export", modelPath, onnx, "--format", "onnx");
        Assert.That(code, Is.EqualTo(0), output);

        // Three utterances of different lengths, standardised as the model was trained (per speaker or global).
        var frontEnd = saved.Config.InputFrontEnd();
        var examples = new[] { "03a01Wa", "08a02Tb", "16b10Lb" }
            .Select(f => new Example(
                new Utterance(f, saved.Labels[0], "s"),
                frontEnd.Compute(WavReader.ReadMono16k(TestData.EmoDbWav(f))),
                0
            )
            {
                Width = frontEnd.Width,
            })
            .ToList();
        var set = saved.Prepare(examples);
        var batch = set.Batch([0, 1, 2]);
        Assert.That(batch.Lengths.Distinct().Count(), Is.EqualTo(3), "the batch is padded");

        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        using var model = saved.Instantiate(backend);
        using var ws = new SpeechEmotion.Model.Workspace<float>(backend);
        var ours = Predictor.Outputs(model, ws, batch);

        using var session = new InferenceSession(onnx);
        var features = new DenseTensor<float>(batch.Features, [batch.Batch, batch.Steps, batch.Width]);
        var lengths = new DenseTensor<int>(batch.Lengths, [batch.Batch]);
        using var results = session.Run([
            NamedOnnxValue.CreateFromTensor("features", features),
            NamedOnnxValue.CreateFromTensor("lengths", lengths),
        ]);
        var logits = results.Single(r => r.Name == "logits").AsTensor<float>();
        Assert.That(logits.Dimensions.ToArray(), Is.EqualTo(new[] { 3, saved.Config.Classes }));
        for (int b = 0; b < 3; b++)
        for (int c = 0; c < saved.Config.Classes; c++)
            Assert.That(logits[b, c], Is.EqualTo(ours[b][c]).Within(1e-4), $"utterance {b}, class {c}");

        // Alone, unpadded: the same logits as in the batch.
        var single = set.Batch([1]);
        using var alone = session.Run([
            NamedOnnxValue.CreateFromTensor(
                "features",
                new DenseTensor<float>(single.Features, [1, single.Steps, single.Width])
            ),
            NamedOnnxValue.CreateFromTensor("lengths", new DenseTensor<int>(single.Lengths, [1])),
        ]);
        var one = alone.Single().AsTensor<float>();
        for (int c = 0; c < saved.Config.Classes; c++)
            Assert.That(one[0, c], Is.EqualTo(ours[1][c]).Within(1e-4));
    }

    /// <summary>Every Emo-DB file through the exported default model in length-sorted padded batches of 16: the same
    /// top label as our engine and logits within 1e-4.</summary>
    [Test, Category("Slow")]
    public void All_535_Emo_DB_files_get_our_top_label_and_logits_from_onnx_runtime()
    {
        string modelPath = RecognizerTests.ShippedModel("emodb");
        var saved = SavedModel.Load(modelPath);
        using var dir = new TempDir();
        string onnx = Path.Combine(dir.Path, "emodb.onnx");
        OnnxExport.Write(saved, onnx);
        var corpus = EmoDbCorpus.Load(TestData.EmoDbFolder());
        var set = saved.Prepare(FeatureSet.Load(corpus, frontEnd: saved.Config.InputFrontEnd()).Examples);
        Assert.That(set.Count, Is.EqualTo(535));
        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        using var model = saved.Instantiate(backend);
        using var ws = new SpeechEmotion.Model.Workspace<float>(backend);
        using var session = new InferenceSession(onnx);
        int compared = 0;
        double worst = 0;
        foreach (var indices in BatchPlan.Batches(set.Frames, 16))
        {
            var batch = set.Batch(indices);
            var ours = Predictor.Outputs(model, ws, batch);
            using var results = session.Run([
                NamedOnnxValue.CreateFromTensor(
                    "features",
                    new DenseTensor<float>(batch.Features, [batch.Batch, batch.Steps, batch.Width])
                ),
                NamedOnnxValue.CreateFromTensor("lengths", new DenseTensor<int>(batch.Lengths, [batch.Batch])),
            ]);
            var logits = results.Single().AsTensor<float>();
            for (int b = 0; b < batch.Batch; b++, compared++)
            {
                var theirs = Enumerable.Range(0, saved.Config.Classes).Select(c => logits[b, c]).ToArray();
                Assert.That(
                    Predictor.ArgMax(theirs),
                    Is.EqualTo(Predictor.ArgMax(ours[b])),
                    set.Examples[indices[b]].Utterance.Path
                );
                worst = Math.Max(worst, theirs.Zip(ours[b]).Max(p => Math.Abs(p.First - p.Second)));
            }
        }
        Assert.That(compared, Is.EqualTo(535));
        Assert.That(worst, Is.LessThan(1e-4));
        TestContext.Out.WriteLine($"largest logit difference over 535 files: {worst:G3}");
    }
}
