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
        var frontEnd = FrontEnd.For(saved.Config);
        var examples = new[] { "03a01Wa", "08a02Tb", "16b10Lb" }.Select(f =>
            new Example(new Utterance(f, saved.Labels[0], "s"),
            frontEnd.Compute(WavReader.ReadMono16k(TestData.EmoDbWav(f))), 0) { Width = frontEnd.Width }).ToList();
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
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("features", features),
            NamedOnnxValue.CreateFromTensor("lengths", lengths)]);
        var logits = results.Single(r => r.Name == "logits").AsTensor<float>();
        Assert.That(logits.Dimensions.ToArray(), Is.EqualTo(new[] { 3, saved.Config.Classes }));
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < saved.Config.Classes; c++)
                Assert.That(logits[b, c], Is.EqualTo(ours[b][c]).Within(1e-4), $"utterance {b}, class {c}");

        // Alone, unpadded: the same logits as in the batch.
        var single = set.Batch([1]);
        using var alone = session.Run([
            NamedOnnxValue.CreateFromTensor("features", new DenseTensor<float>(single.Features, [1, single.Steps,
                single.Width])),
            NamedOnnxValue.CreateFromTensor("lengths", new DenseTensor<int>(single.Lengths, [1]))]);
        var one = alone.Single().AsTensor<float>();
        for (int c = 0; c < saved.Config.Classes; c++) Assert.That(one[0, c], Is.EqualTo(ours[1][c]).Within(1e-4));
    }
}
