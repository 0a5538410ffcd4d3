using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Model;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class MixupTests
{
    private const int Width = 3;
    private static readonly int[] Lengths = [9, 9, 8, 6, 5, 2, 1];

    private static PaddedBatch RandomBatch()
    {
        var random = new Random(11);
        return PaddedBatch.From(
            Lengths
                .Select(n => Enumerable.Range(0, n * Width).Select(_ => 0.5f + (float)random.NextDouble()).ToArray())
                .ToArray(),
            Width
        );
    }

    [Test]
    public void Each_utterance_is_the_lambda_mixture_of_itself_and_its_partner_over_the_longer_length()
    {
        var original = RandomBatch();
        var partnersSeen = new HashSet<string>();
        for (ulong step = 1; step <= 50; step++)
        {
            var (mixed, partners, lambda) = Mixup.Apply(original, 0.4, 7, step);
            Assert.That(
                partners.Order(),
                Is.EqualTo(Enumerable.Range(0, Lengths.Length)),
                "the partners are a permutation of the batch"
            );
            Assert.That(lambda, Is.InRange(0.0, 1.0));
            Assert.That(mixed.Steps, Is.EqualTo(original.Steps));
            partnersSeen.Add(string.Join(",", partners));
            for (int b = 0; b < Lengths.Length; b++)
            {
                int p = partners[b],
                    row = original.Steps * Width;
                Assert.That(mixed.Lengths[b], Is.EqualTo(Math.Max(Lengths[b], Lengths[p])));
                for (int i = 0; i < row; i++)
                {
                    float expected =
                        i < mixed.Lengths[b] * Width
                            ? (float)lambda * original.Features[b * row + i]
                                + (float)(1 - lambda) * original.Features[p * row + i]
                            : 0f;
                    Assert.That(
                        mixed.Features[b * row + i],
                        Is.EqualTo(expected).Within(1e-6),
                        $"step {step}, utterance {b}, value {i}"
                    );
                }
            }
        }
        Assert.That(partnersSeen, Has.Count.GreaterThan(40), "a new pairing (almost) every step");
        Assert.That(original.Features, Is.EqualTo(RandomBatch().Features), "the input batch is left alone");
    }

    /// <summary>λ ~ Beta(α, α): mean ½ for every α; small α keeps λ near 0 or 1, large α near ½.</summary>
    [Test]
    public void Lambda_follows_a_symmetric_beta_distribution()
    {
        var batch = RandomBatch();
        double[] Lambdas(double alpha) =>
            Enumerable.Range(1, 2000).Select(s => Mixup.Apply(batch, alpha, 3, (ulong)s).Lambda).ToArray();
        double Middle(double[] l) => l.Count(x => x is > 0.25 and < 0.75) / (double)l.Length;
        var sharp = Lambdas(0.2);
        var flat = Lambdas(1.0);
        var peaked = Lambdas(8);
        foreach (var l in new[] { sharp, flat, peaked })
            Assert.That(l.Average(), Is.EqualTo(0.5).Within(0.03));
        // P(¼ < λ < ¾): Beta(0.2, 0.2) 0.17, Beta(1, 1) 0.5, Beta(8, 8) 0.965 (numerical integration of the densities).
        Assert.That(Middle(sharp), Is.EqualTo(0.17).Within(0.04));
        Assert.That(Middle(flat), Is.EqualTo(0.5).Within(0.04));
        Assert.That(Middle(peaked), Is.EqualTo(0.965).Within(0.02));
    }

    [Test]
    public void Mixing_depends_on_seed_and_step_only_and_alpha_must_be_positive()
    {
        var batch = RandomBatch();
        Assert.That(
            Mixup.Apply(batch, 0.4, 7, 3).Batch.Features,
            Is.EqualTo(Mixup.Apply(batch, 0.4, 7, 3).Batch.Features)
        );
        Assert.That(
            Mixup.Apply(batch, 0.4, 7, 3).Batch.Features,
            Is.Not.EqualTo(Mixup.Apply(batch, 0.4, 7, 4).Batch.Features)
        );
        Assert.That(
            Mixup.Apply(batch, 0.4, 7, 3).Batch.Features,
            Is.Not.EqualTo(Mixup.Apply(batch, 0.4, 8, 3).Batch.Features)
        );
        Assert.That(() => Mixup.Apply(batch, 0, 7, 3), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Mixup.Apply(batch, double.NaN, 7, 3), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>The mixed loss and its gradient are λ and 1 − λ times those of the two target sets, class weights
    /// included.</summary>
    [Test]
    public void Mixed_loss_is_the_lambda_mixture_of_the_two_losses()
    {
        var backend = new CpuBackend<double>();
        var config = new ModelConfig
        {
            InputSize = 4,
            Hidden = 4,
            Heads = 2,
            FcSize = 5,
            Classes = 3,
            Loss = LossKind.CrossEntropy,
        };
        using var model = new SerModel<double>(backend, config, 3);
        var random = new Random(4);
        var logits = backend.Allocate(5, 3);
        backend.Upload(Enumerable.Range(0, 15).Select(_ => random.NextDouble() * 4 - 2).ToArray(), logits);
        var a = Ints(backend, [0, 1, 2, 2, 1]);
        var b = Ints(backend, [2, 2, 0, 1, 1]);
        // Each row weighs its target's class weight (0.5, 1.5, 1.0 for classes 0, 1, 2).
        var wa = backend.Allocate(5);
        backend.Upload([0.5, 1.5, 1.0, 1.0, 1.5], wa);
        var wb = backend.Allocate(5);
        backend.Upload([1.0, 1.0, 0.5, 1.5, 1.5], wb);
        double la = model.Loss(logits, a, wa, null, out var da);
        var ga = Download(backend, da);
        double lb = model.Loss(logits, b, wb, null, out var db);
        var gb = Download(backend, db);
        double mixed = model.MixedLoss(logits, a, b, 0.3, wa, wb, null, out var dm);
        Assert.That(mixed, Is.EqualTo(0.3 * la + 0.7 * lb).Within(1e-12));
        Assert.That(Download(backend, dm), Is.EqualTo(ga.Zip(gb, (x, y) => 0.3 * x + 0.7 * y)).Within(1e-12));
        Assert.That(la, Is.Not.EqualTo(lb).Within(1e-3), "the two target sets differ");
    }

    private static Tensor<int> Ints(CpuBackend<double> backend, int[] values)
    {
        var t = backend.AllocateInts(values.Length);
        backend.Upload(values, t);
        return t;
    }

    private static double[] Download(CpuBackend<double> backend, Tensor<double> t)
    {
        var host = new double[t.Length];
        backend.Download(t, host);
        return host;
    }
}
