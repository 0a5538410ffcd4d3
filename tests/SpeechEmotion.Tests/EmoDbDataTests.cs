using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Against the real Berlin Emo-DB (SER_DATA/emodb).</summary>
public class EmoDbDataTests
{
    [Test]
    public void Corpus_has_535_utterances_10_speakers_and_the_documented_label_counts()
    {
        var corpus = EmoDbCorpus.Load(TestData.EmoDbFolder());
        Assert.That(corpus.Problems, Is.Empty);
        Assert.That(corpus.Utterances, Has.Count.EqualTo(535));
        Assert.That(corpus.Speakers, Is.EqualTo(new[] { "03", "08", "09", "10", "11", "12", "13", "14", "15", "16" }));
        var counts = corpus.Utterances.GroupBy(u => u.Label).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(
            counts,
            Is.EquivalentTo(
                new Dictionary<string, int>
                {
                    ["anger"] = 127,
                    ["boredom"] = 81,
                    ["neutral"] = 79,
                    ["happiness"] = 71,
                    ["fear"] = 69,
                    ["sadness"] = 62,
                    ["disgust"] = 46,
                }
            )
        );
    }

    [Test]
    public void Every_file_loads_at_16k_with_the_documented_total_duration()
    {
        var corpus = EmoDbCorpus.Load(TestData.EmoDbFolder());
        double total = 0;
        foreach (var u in corpus.Utterances)
        {
            var samples = WavReader.ReadMono16k(u.Path);
            Assert.That(samples, Has.Length.GreaterThan(16000), u.Path);
            Assert.That(samples.All(float.IsFinite), u.Path);
            total += samples.Length / 16000.0;
        }
        Assert.That(total, Is.EqualTo(1487.1).Within(0.1));
    }

    [TestCase("14a07Aa")]
    [TestCase("14a07Fd")]
    [TestCase("14a07Na")]
    [TestCase("14a07Wc")]
    public void Files_with_a_PAD_chunk_load_and_match_their_data_chunk(string name)
    {
        var path = TestData.EmoDbWav(name);
        var bytes = File.ReadAllBytes(path);
        Assert.That(
            System.Text.Encoding.ASCII.GetString(bytes, 36, 4),
            Is.EqualTo("PAD "),
            "fixture really has the PAD chunk"
        );
        var samples = WavReader.ReadMono16k(path);
        int dataTag = bytes.AsSpan().IndexOf("data"u8);
        Assert.That(dataTag, Is.EqualTo(4088), "data chunk after the 4044-byte PAD chunk");
        Assert.That(samples, Has.Length.EqualTo(BitConverter.ToInt32(bytes, dataTag + 4) / 2));
        Assert.That(samples[0], Is.EqualTo(BitConverter.ToInt16(bytes, dataTag + 8) / 32768f));
        Assert.That(
            Spectrogram.Compute<float>(samples),
            Has.Length.EqualTo(Spectrogram.FrameCount(samples.Length) * Spectrogram.Bins)
        );
    }

    /// <summary>Emo-DB's five men (03, 10, 11, 12, 15) speak lower than its five women: the median voiced F0 of each
    /// speaker's neutral sentences, a check against octave errors on real speech.</summary>
    [Test]
    public void Pitch_of_neutral_speech_separates_the_men_from_the_women()
    {
        var corpus = EmoDbCorpus.Load(TestData.EmoDbFolder());
        var medians = corpus
            .Utterances.Where(u => u.Label == "neutral")
            .GroupBy(u => u.Speaker)
            .ToDictionary(
                g => g.Key,
                g =>
                {
                    var hz = g.SelectMany(u => Pitch.Estimate(WavReader.ReadMono16k(u.Path)).VoicedHz())
                        .Order()
                        .ToArray();
                    return hz[hz.Length / 2];
                }
            );
        TestContext.Out.WriteLine(string.Join(", ", medians.Select(m => $"{m.Key}: {m.Value:F0} Hz")));
        string[] men = ["03", "10", "11", "12", "15"];
        foreach (var (speaker, hz) in medians)
            Assert.That(hz, men.Contains(speaker) ? Is.InRange(85, 150) : Is.InRange(160, 260), speaker);
    }
}
