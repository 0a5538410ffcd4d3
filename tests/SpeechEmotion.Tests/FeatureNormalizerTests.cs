using SpeechEmotion.Features;

namespace SpeechEmotion.Tests;

public class FeatureNormalizerTests
{
    [Test]
    public void Fit_then_apply_gives_zero_mean_unit_std_per_bin()
    {
        var random = new Random(3);
        var utterances = Enumerable
            .Range(0, 4)
            .Select(u =>
                Enumerable
                    .Range(0, (u + 2) * 5)
                    .Select(i => (float)(random.NextDouble() * (i % 5 + 1) + 10 * (i % 5)))
                    .ToArray()
            )
            .ToList();
        var normalizer = FeatureNormalizer.Fit(utterances, 5);
        var all = utterances.Select(u => u.ToArray()).ToList();
        foreach (var u in all)
            normalizer.Apply(u);
        for (int b = 0; b < 5; b++)
        {
            var values = all.SelectMany(u => u.Where((_, i) => i % 5 == b)).Select(v => (double)v).ToList();
            double mean = values.Average();
            double std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.That(mean, Is.EqualTo(0).Within(1e-5), $"bin {b} mean");
            Assert.That(std, Is.EqualTo(1).Within(1e-4), $"bin {b} std");
        }
    }

    [Test]
    public void Constant_bin_is_centred_not_blown_up()
    {
        var normalizer = FeatureNormalizer.Fit(
            [
                [2f, 1f, 2f, 3f],
            ],
            2
        );
        var x = new[] { 2f, 5f };
        normalizer.Apply(x);
        Assert.That(x[0], Is.EqualTo(0f));
        Assert.That(float.IsFinite(x[1]));
    }

    [Test]
    public void Round_trips_through_a_binary_stream()
    {
        var normalizer = FeatureNormalizer.Fit(
            [
                [1f, 2f, 3f, 5f, 8f, 13f],
            ],
            3
        );
        using var ms = new MemoryStream();
        normalizer.Write(new BinaryWriter(ms));
        ms.Position = 0;
        var back = FeatureNormalizer.Read(new BinaryReader(ms));
        Assert.That(back.Mean, Is.EqualTo(normalizer.Mean));
        Assert.That(back.Std, Is.EqualTo(normalizer.Std));
    }

    [Test]
    public void Rejects_ragged_input()
    {
        Assert.Throws<ArgumentException>(() =>
            FeatureNormalizer.Fit(
                [
                    [1f, 2f, 3f],
                ],
                2
            )
        );
        Assert.Throws<ArgumentException>(() => FeatureNormalizer.Fit([], 2));
    }
}
