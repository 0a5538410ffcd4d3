using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>The cpu backend's results do not depend on its thread count: the GRU's batch slices per direction, the
/// GEMM's row blocks and the attention's (utterance, head) tasks change with it, the summation order of every output
/// does not. On a 2-core CI machine this is also the only run of the multi-slice GRU path.</summary>
public class CpuThreadsTests
{
    [Test]
    public void Training_step_is_bit_identical_with_one_and_seven_threads()
    {
        var one = Step(1);
        var seven = Step(7);
        Assert.That(seven.Logits, Is.EqualTo(one.Logits), "logits");
        Assert.That(seven.Loss, Is.EqualTo(one.Loss), "loss");
        Assert.That(seven.Grads, Is.EqualTo(one.Grads), "all parameter gradients");
    }

    private static (float[] Logits, double Loss, float[] Grads) Step(int threads)
    {
        // Sizes chosen so that the input projection (450 × 96 × 64) takes the parallel GEMM path and 9 utterances of
        // different lengths are cut into 3 slices per GRU direction.
        var config = new ModelConfig
        {
            InputSize = 64,
            Hidden = 32,
            Heads = 4,
            FcSize = 16,
            Classes = 5,
        };
        var backend = new CpuBackend<float>(threads);
        using var model = new SerModel<float>(backend, config, seed: 11);
        var random = new Random(5);
        int[] lengths = [50, 3, 47, 12, 50, 29, 1, 38, 44];
        var utterances = lengths
            .Select(n =>
                Enumerable.Range(0, n * config.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()
            )
            .ToList();
        var padded = PaddedBatch.From(utterances, config.InputSize);
        var batch = new ModelBatch<float>(
            backend,
            padded.Features,
            padded.Lengths,
            padded.Steps,
            padded.Width,
            Enumerable.Range(0, padded.Batch).Select(i => i % config.Classes).ToArray()
        );
        var (host, loss, grads) = batch.Gradients(model, batch.Context(training: true, 3, 1));
        Assert.That(grads.Count(g => g != 0), Is.GreaterThan(grads.Length / 2), "a real backward pass");
        return (host, loss, grads);
    }
}
