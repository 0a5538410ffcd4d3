using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class CorpusBalanceTests
{
    private static string[] Speakers(params (string Speaker, int Count)[] groups) =>
        [.. groups.SelectMany(g => Enumerable.Repeat(g.Speaker, g.Count))];

    [Test]
    public void Every_corpus_is_visited_as_often_as_the_largest_and_each_example_at_least_once()
    {
        var speakers = Speakers(("emodb/03", 4), ("emodb/08", 3), ("urdu/SF1", 2), ("urdu/SM2", 1), ("ased/01", 2));
        var visits = CorpusBalance.Indices(speakers, seed: 5);
        var perCorpus = visits
            .GroupBy(i => CorpusBalance.CorpusOf(speakers[i]))
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.That(
            perCorpus,
            Is.EqualTo(
                new Dictionary<string, int>
                {
                    ["ased"] = 7,
                    ["emodb"] = 7,
                    ["urdu"] = 7,
                }
            )
        );
        Assert.That(visits.Distinct().Order(), Is.EqualTo(Enumerable.Range(0, speakers.Length)), "nobody left out");
        var urdu = visits.Where(i => speakers[i].StartsWith("urdu/")).GroupBy(i => i).Select(g => g.Count()).ToList();
        Assert.That(urdu.Order(), Is.EqualTo(new[] { 2, 2, 3 }), "3 urdu examples: two whole copies and one more");
        Assert.That(CorpusBalance.Indices(speakers, seed: 5), Is.EqualTo(visits), "seeded");
    }

    [Test]
    public void A_single_corpus_is_left_as_it_is()
    {
        var speakers = Speakers(("03", 3), ("08", 2));
        Assert.That(CorpusBalance.Indices(speakers, seed: 1), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(CorpusBalance.CorpusOf("ased/01"), Is.EqualTo("ased"));
        Assert.That(CorpusBalance.CorpusOf("01"), Is.EqualTo(""));
    }

    [Test]
    public void A_balanced_run_trains_on_the_repeated_epoch()
    {
        var data = Support.ToneCorpus.Examples(2, ["a/1", "a/2", "b/1"], 3); // corpus a: 12 utterances, b: 6
        var options = new TrainingOptions
        {
            Epochs = 2,
            BatchSize = 4,
            Steps = 18,
            BalanceCorpora = true,
        };
        var config = new SpeechEmotion.Model.ModelConfig
        {
            Hidden = 4,
            Heads = 2,
            FcSize = 4,
            Classes = 3,
        };
        using var backend = new SpeechEmotion.Engine.Cpu.CpuBackend<float>();
        var labels = Support.ToneCorpus.Labels;
        var balanced = new Trainer(backend, config, options, labels).Train(data, null);
        Assert.That(balanced.History, Has.Count.EqualTo(3), "24 visits = 6 batches of 4 per epoch, 18 steps");
        Assert.That(balanced.History.All(h => double.IsFinite(h.TrainLoss) && h.TrainLoss > 0));
        var plain = new Trainer(backend, config, options with { BalanceCorpora = false }, labels).Train(data, null);
        Assert.That(plain.History, Has.Count.EqualTo(4), "18 visits = 5 batches per epoch, 18 steps");
    }
}
