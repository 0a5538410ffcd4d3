using SpeechEmotion.Engine;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>One whole training step (forward, loss, backward, Adam) on ilgpu-cpu against cpu, same seed and
/// data.</summary>
public class TrainingStepParityTests
{
    [TestCase(true, LossKind.L1, 0, PoolingKind.Mean)]
    [TestCase(false, LossKind.CrossEntropy, 0, PoolingKind.Mean)]
    [TestCase(true, LossKind.CrossEntropy, 7, PoolingKind.Mean)]
    [TestCase(true, LossKind.CrossEntropy, 0, PoolingKind.MeanStd)]
    [TestCase(true, LossKind.CrossEntropy, 0, PoolingKind.MeanStd, true)]
    [TestCase(true, LossKind.CrossEntropy, 4, PoolingKind.Mean, false, 3)]
    [TestCase(true, LossKind.CrossEntropy, 3, PoolingKind.Mean, false, 3, 2)]
    public void Loss_gradients_and_every_parameter_after_a_step_agree(
        bool attention,
        LossKind loss,
        int convChannels,
        PoolingKind pooling,
        bool inputStatistics = false,
        int convBands = 0,
        int convLayers = 1
    )
    {
        using var pair = new BackendPair();
        var p = pair.Harness;
        var config = new ModelConfig
        {
            InputSize = 11,
            ConvChannels = convChannels,
            ConvKernel = 3,
            ConvBandKernel = convBands,
            ConvLayers = convLayers,
            Hidden = 6,
            Heads = 3,
            UseAttention = attention,
            Pooling = pooling,
            InputStatistics = inputStatistics,
            FcSize = 9,
            Classes = 5,
            Loss = loss,
        };
        int[] lengths = [8, 1, 5];
        var batch = PaddedBatch.From(
            lengths.Select(l => p.RandomData(l * config.InputSize)).ToArray(),
            config.InputSize
        );
        int[] targets = [4, 0, 2];

        (double Loss, float[] Grads, float[] Values) Step(IBackend<float> backend)
        {
            using var model = new SerModel<float>(backend, config, seed: 77);
            var input = backend.Allocate(batch.Batch, batch.Steps, batch.Width);
            backend.Upload(batch.Features, input);
            var lens = backend.AllocateInts(batch.Batch);
            backend.Upload(batch.Lengths, lens);
            var y = backend.AllocateInts(batch.Batch);
            backend.Upload(targets, y);
            var adam = new AdamOptimizer<float>(backend, model.Parameters, new AdamSettings(LearningRate: 1e-5));
            double value = model.Loss(
                model.Forward(input, new BatchContext(batch.Lengths, lens, batch.Steps, true, 99, 1)),
                y,
                null,
                null,
                out var dLogits
            );
            model.Parameters.ZeroGrads();
            model.Backward(dLogits);
            var grads = new float[model.Parameters.Count];
            backend.Download(model.Parameters.Grads, grads);
            adam.Update();
            return (value, grads, model.Parameters.DownloadValues());
        }

        var cpu = Step(p.Cpu);
        var gpu = Step(p.Gpu);
        Assert.That(gpu.Loss, Is.EqualTo(cpu.Loss).Within(1e-4 * Math.Abs(cpu.Loss)), "loss");
        using var reference = new SerModel<float>(p.Cpu, config, seed: 77);
        // Values are compared relative to the largest weight of the model: Adam's first step moves each weight by about
        // lr·sign(g), so a gradient that is zero in exact arithmetic (e.g. the key bias of attention, to which softmax
        // is invariant) moves by ±lr on either backend depending on the sign of its rounding noise.
        double modelScale = cpu.Values.Max(Math.Abs);
        foreach (var values in new[] { cpu.Grads, gpu.Grads, cpu.Values, gpu.Values })
            Assert.That(values, Has.None.NaN, "LINQ's Max below skips NaN");
        foreach (var param in reference.Parameters.All)
        {
            var range = new Range(param.Offset, param.Offset + param.Length);
            double gradScale = cpu.Grads[range].Max(Math.Abs);
            double gradError =
                cpu.Grads[range].Zip(gpu.Grads[range]).Max(t => Math.Abs(t.First - t.Second)) / gradScale;
            double valueError =
                cpu.Values[range].Zip(gpu.Values[range]).Max(t => Math.Abs(t.First - t.Second)) / modelScale;
            TestContext.Out.WriteLine($"{param.Name, -30} grad {gradError:E2} value {valueError:E2}");
            Assert.That(gradError, Is.LessThanOrEqualTo(1e-4), $"{param.Name} gradient");
            Assert.That(valueError, Is.LessThanOrEqualTo(1e-4), $"{param.Name} after Adam");
        }
    }
}
