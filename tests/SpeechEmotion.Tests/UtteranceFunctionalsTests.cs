using System.Text.Json.Nodes;
using SpeechEmotion.Corpora;
using SpeechEmotion.Engine.Cpu;
using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

/// <summary>The baseline's front end against an independent numpy computation of the same definition
/// (Golden/functionals.py), its edge cases, and the functionals model learning Emo-DB on held-out speakers.</summary>
public class UtteranceFunctionalsTests
{
    [Test]
    public void Functionals_match_numpy_on_real_files()
    {
        var golden = JsonNode
            .Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "functionals-golden.json")))!
            .AsObject();
        Assert.That(golden, Has.Count.EqualTo(3));
        foreach (var (name, values) in golden)
        {
            var expected = values!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var ours = UtteranceFunctionals.Compute(Audio.WavReader.ReadMono16k(TestData.EmoDbWav(name)));
            Assert.That(ours, Has.Length.EqualTo(UtteranceFunctionals.Count).And.Length.EqualTo(expected.Length));
            for (int i = 0; i < ours.Length; i++)
                Assert.That(
                    ours[i],
                    Is.EqualTo(expected[i]).Within(1e-4 * Math.Max(1, Math.Abs(expected[i]))),
                    $"{name} functional {i}"
                );
        }
    }

    [Test]
    public void A_clip_shorter_than_a_window_and_silence_give_finite_values()
    {
        var one = UtteranceFunctionals.Compute(
            new float[100]
                .Select((_, i) => MathF.Sin(i * 0.3f))
                .ToArray()
        );
        Assert.That(one.All(float.IsFinite));
        Assert.That(one[^1], Is.EqualTo(1), "frame count");
        Assert.That(
            one.Skip(2 * UtteranceFunctionals.Cepstra).Take(UtteranceFunctionals.Cepstra),
            Is.All.EqualTo(0),
            "no differences in one frame"
        );
        var silence = UtteranceFunctionals.Compute(new float[16000]);
        Assert.That(silence.All(float.IsFinite));
        Assert.That(silence[^1], Is.EqualTo(1 + (16000 - 400) / 160));
        Assert.That(() => UtteranceFunctionals.Compute([]), Throws.ArgumentException);
    }

    [Test]
    public void The_functionals_preset_learns_emotions_of_unseen_speakers()
    {
        var corpus = EmoDbCorpus.Load(TestData.EmoDbFolder());
        var set = FeatureSet.Load(corpus, frontEnd: FrontEnd.Functionals);
        Assert.That(set.Examples.All(e => e.Frames == 1 && e.Width == UtteranceFunctionals.Count));
        var recipe = Recipe.Load("functionals");
        var (config, options) = (recipe.Model, recipe.Training);
        config = config with { Classes = set.Labels.Count };
        string[] test = ["03", "08"];
        var result = new Trainer(new CpuBackend<float>(), config, options with { Epochs = 60 }, set.Labels).Train(
            set.Except(test),
            null
        );
        using var backend = new CpuBackend<float>();
        using var model = result.Model.Instantiate(backend);
        var metrics = Trainer.Evaluate(model, result.Model.Prepare(set.Speakers(test)), set.Labels);
        Assert.That(model.Config.Architecture, Is.EqualTo("144 utterance functionals → linear softmax"));
        Assert.That(metrics.Ua, Is.GreaterThan(0.5), $"UA {metrics.Ua:P1} on speakers 03 and 08 (chance 14 %)");
    }
}
