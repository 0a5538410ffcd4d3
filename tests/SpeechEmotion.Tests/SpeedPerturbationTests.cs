using SpeechEmotion.Audio;
using SpeechEmotion.Corpora;
using SpeechEmotion.Features;
using SpeechEmotion.Tests.Support;
using SpeechEmotion.Training;

namespace SpeechEmotion.Tests;

public class SpeedPerturbationTests
{
    [TestCase(0.9)]
    [TestCase(1.1)]
    public void A_tone_played_at_factor_s_is_s_times_higher_and_1_over_s_as_long(double factor)
    {
        const double hz = 440;
        var tone = WavBytes.Tone(hz, 16000, 16000);
        var perturbed = SpeedPerturbation.Apply(tone, factor);
        Assert.That(perturbed.Length, Is.EqualTo(16000 / factor).Within(1));
        var spec = Spectrogram.Compute<double>(perturbed);
        int frame = spec.Length / Spectrogram.Bins / 2;
        var row = spec.AsSpan(frame * Spectrogram.Bins, Spectrogram.Bins).ToArray();
        Assert.That(Array.IndexOf(row, row.Max()) * 10.0, Is.EqualTo(hz * factor).Within(10), "peak frequency in Hz");
    }

    [Test]
    public void Factors_outside_half_to_double_speed_are_refused() =>
        Assert.That(() => SpeedPerturbation.Apply(new float[100], 2.5), Throws.TypeOf<ArgumentOutOfRangeException>());

    /// <summary>Copies train only, as pseudo-speakers, and never leak a held-out speaker's voice into
    /// training.</summary>
    [Test]
    public void Perturbed_copies_are_pseudo_speakers_that_leave_with_their_speaker()
    {
        using var dir = new TempDir();
        foreach (var speaker in new[] { "03", "08", "09" })
        foreach (var code in new[] { 'W', 'T' })
            dir.File(
                $"wav/{speaker}a01{code}a.wav",
                WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(WavBytes.Tone(speaker == "03" ? 300 : 500, 16000, 4000)))
            );
        var set = FeatureSet.Load(CorpusLoader.Load(dir.Path), speeds: [0.9, 1.1]);

        Assert.That(set.Examples, Has.Count.EqualTo(6), "the corpus itself is unchanged");
        Assert.That(
            set.Perturbed.Select(e => e.Utterance.Speaker).Distinct().Order(),
            Is.EqualTo(new[] { "03 sp0.9", "03 sp1.1", "08 sp0.9", "08 sp1.1", "09 sp0.9", "09 sp1.1" })
        );
        var slow = set.Perturbed.First(e => e.Utterance.Speaker == "03 sp0.9");
        var original = set.Examples.Single(e => e.Utterance.Path == slow.Utterance.Path);
        Assert.That((slow.PerturbedFrom, slow.Label), Is.EqualTo(("03", original.Label)));
        Assert.That(slow.Frames, Is.GreaterThan(original.Frames), "slower is longer");

        var train = set.Except(["03", "08"]);
        Assert.That(train, Has.Count.EqualTo(6), "09's two utterances and their four copies");
        Assert.That(train.All(e => (e.PerturbedFrom ?? e.Utterance.Speaker) == "09"));
        Assert.That(set.Speakers(["09"]), Has.Count.EqualTo(2), "tests and validation use recordings only");
        var some = set.Examples.Where(e => e.Utterance.Speaker == "08").Take(1).ToList();
        Assert.That(
            set.With(some).Select(e => e.Utterance.Path).Distinct().Single(),
            Is.EqualTo(some[0].Utterance.Path)
        );
        Assert.That(set.With(some), Has.Count.EqualTo(3));
    }
}
