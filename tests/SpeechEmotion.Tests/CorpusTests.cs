using SpeechEmotion.Corpora;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

public class CorpusTests
{
    private static readonly byte[] Wav = WavBytes.Build(
        1,
        1,
        16000,
        16,
        WavBytes.Pcm16(WavBytes.Tone(300, 16000, 800))
    );

    [Test]
    public void EmoDb_names_give_speaker_and_emotion_and_bad_names_are_reported()
    {
        using var dir = new TempDir();
        dir.File("wav/03a01Wa.wav", Wav);
        dir.File("wav/16b10Tb.wav", Wav);
        dir.File("wav/08a02Xa.wav", Wav);
        dir.File("wav/readme.wav", Wav);
        var corpus = EmoDbCorpus.Load(dir.Path);
        Assert.That(
            corpus.Utterances.Select(u => (u.Speaker, u.Label)),
            Is.EqualTo(new[] { ("03", "anger"), ("16", "sadness") })
        );
        Assert.That(
            corpus.Problems.Select(p => Path.GetFileName(p.Path)),
            Is.EquivalentTo(new[] { "08a02Xa.wav", "readme.wav" })
        );
        Assert.That(
            corpus.Problems.Single(p => p.Path.EndsWith("08a02Xa.wav")).Reason,
            Does.Contain("unknown emotion letter 'X'")
        );
        Assert.Throws<CorpusException>(() => EmoDbCorpus.Load(dir.Path, strict: true));
    }

    [Test]
    public void Iemocap_fake_tree_gives_four_classes_and_session_gender_speakers()
    {
        using var dir = new TempDir();
        dir.File(
            "Session1/dialog/EmoEvaluation/Ses01F_impro01.txt",
            System.Text.Encoding.UTF8.GetBytes(
                "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]\n\n"
                    + "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]\n"
                    + "C-E2:\tNeutral;\t()\n"
                    + "[10.0100 - 11.3925]\tSes01F_impro01_M001\texc\t[4.0000, 3.5000, 3.5000]\n"
                    + "[14.8872 - 18.0175]\tSes01F_impro01_F002\tfru\t[2.5000, 2.5000, 2.5000]\n"
                    + "[19.0 - 20.0]\tSes01F_impro01_M003\tang\t[2.0, 4.0, 4.0]\n"
            )
        );
        dir.File(
            "Session1/dialog/EmoEvaluation/Ses01M_script01_1.txt",
            System.Text.Encoding.UTF8.GetBytes(
                "[1.0 - 2.0]\tSes01M_script01_1_F000\tsad\t[1.0, 2.0, 2.0]\n"
                    + "[2.0 - 3.0]\tSes01M_script01_1_M001\thap\t[4.0, 3.0, 3.0]\n"
            )
        );
        foreach (
            var (dialog, id) in new[]
            {
                ("Ses01F_impro01", "Ses01F_impro01_F000"),
                ("Ses01F_impro01", "Ses01F_impro01_M001"),
                ("Ses01F_impro01", "Ses01F_impro01_F002"),
                ("Ses01M_script01_1", "Ses01M_script01_1_F000"),
                ("Ses01M_script01_1", "Ses01M_script01_1_M001"),
            }
        )
            dir.File($"Session1/sentences/wav/{dialog}/{id}.wav", Wav);
        // Ses01F_impro01_M003 (anger) has no WAV: reported, not fatal.

        var corpus = IemocapCorpus.Load(dir.Path);
        Assert.That(corpus.Labels, Is.EqualTo(new[] { "neutral", "anger", "happiness", "sadness" }));
        Assert.That(
            corpus.Utterances.Select(u => (Path.GetFileNameWithoutExtension(u.Path), u.Label, u.Speaker)),
            Is.EquivalentTo(
                new[]
                {
                    ("Ses01F_impro01_F000", "neutral", "Ses01F"),
                    ("Ses01F_impro01_M001", "happiness", "Ses01M"),
                    ("Ses01M_script01_1_F000", "sadness", "Ses01F"),
                    ("Ses01M_script01_1_M001", "happiness", "Ses01M"),
                }
            )
        );
        Assert.That(corpus.Problems.Single().Path, Does.EndWith("Ses01F_impro01_M003.wav"));
        Assert.That(corpus.Problems.Single().Reason, Is.EqualTo("file not found"));

        var improvised = IemocapCorpus.Load(dir.Path, improvisedOnly: true, mergeExcited: false);
        Assert.That(
            improvised.Utterances.Select(u => Path.GetFileNameWithoutExtension(u.Path)),
            Is.EqualTo(new[] { "Ses01F_impro01_F000" })
        );
        Assert.That(CorpusLoader.Detect(dir.Path), Is.EqualTo(CorpusFormat.Iemocap));
    }

    [Test]
    public void Csv_manifest_resolves_relative_paths_and_reports_missing_files()
    {
        using var dir = new TempDir();
        dir.File("audio/a.wav", Wav);
        dir.File("audio/b c.wav", Wav);
        var csv = dir.File(
            "set/manifest.csv",
            System.Text.Encoding.UTF8.GetBytes(
                "path,label,speaker,split\n../audio/a.wav,happy,s1,train\n\"../audio/b "
                    + "c.wav\",sad,s2,\n../audio/missing.wav,happy,s3,test\nbroken-line\n"
            )
        );
        var corpus = CsvCorpus.Load(csv);
        Assert.That(corpus.Labels, Is.EqualTo(new[] { "happy", "sad" }));
        Assert.That(
            corpus.Utterances.Select(u => (Path.GetFileName(u.Path), u.Label, u.Speaker, u.Split)),
            Is.EqualTo(new[] { ("a.wav", "happy", "s1", (string?)"train"), ("b c.wav", "sad", "s2", null) })
        );
        Assert.That(corpus.Problems, Has.Count.EqualTo(2));
        Assert.That(corpus.Problems[0].Path, Does.EndWith("missing.wav"));
        Assert.That(corpus.Problems[1].Path, Does.EndWith("manifest.csv:5"));

        var fixedLabels = CsvCorpus.Load(csv, labels: ["happy"]);
        Assert.That(fixedLabels.Problems.Any(p => p.Reason.Contains("unknown label 'sad'")));
        Assert.That(CorpusLoader.Detect(csv), Is.EqualTo(CorpusFormat.Csv));
    }

    [Test]
    public void Csv_fields_follow_rfc4180_quoting()
    {
        Assert.That(
            CsvCorpus.SplitLine("\"a,b\",\"say \"\"hi\"\"\", c "),
            Is.EqualTo(new[] { "a,b", "say \"hi\"", "c" })
        );
    }

    /// <summary>A stray header, a missing file, a duplicate row: reported, and none of them invents a class; a file
    /// under two speakers is an error; a label whose only files cannot be decoded stops feature loading,
    /// named.</summary>
    [Test]
    public void Csv_manifest_problems_never_become_classes_and_a_file_under_two_speakers_is_refused()
    {
        using var dir = new TempDir();
        dir.File("a.wav", Wav);
        dir.File("b.wav", Wav);
        dir.File("broken.wav", "RIFF0000WAVE"u8.ToArray());
        string csv = dir.File(
            "m.csv",
            System.Text.Encoding.UTF8.GetBytes(
                "file,emotion,speaker\na.wav,anger,s1\nb.wav,sadness,s2\ngone.wav,fear,s1\na.wav,anger,s1\n"
            )
        );
        var corpus = CsvCorpus.Load(csv);
        Assert.That(corpus.Labels, Is.EqualTo(new[] { "anger", "sadness" }));
        Assert.That(corpus.Utterances, Has.Count.EqualTo(2));
        Assert.That(
            corpus.Problems.Select(p => p.Reason),
            Has.Some.Contains("file not found").And.Some.Contains("listed twice")
        );

        string leak = dir.File("leak.csv", System.Text.Encoding.UTF8.GetBytes("a.wav,anger,s1\na.wav,anger,s2\n"));
        Assert.That(
            () => CsvCorpus.Load(leak),
            Throws
                .InstanceOf<InvalidDataException>()
                .With.Message.Contains("listed under speaker 's1' (line 1) and 's2' (line 2)")
        );

        string unreadable = dir.File(
            "u.csv",
            System.Text.Encoding.UTF8.GetBytes("a.wav,anger,s1\nbroken.wav,fear,s2\n")
        );
        var withBroken = CsvCorpus.Load(unreadable);
        Assert.That(
            withBroken.Labels,
            Is.EqualTo(new[] { "anger", "fear" }),
            "the file exists, so its label is listed"
        );
        Assert.That(
            () => SpeechEmotion.Training.FeatureSet.Load(withBroken),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("label 'fear' has no readable example")
        );
    }

    [TestCase("ased", 1237, 65, new[] { "neutral", "fear", "happiness", "sadness", "anger" })]
    [TestCase("urdu", 400, 29, new[] { "anger", "happiness", "neutral", "sadness" })]
    public void Shared_corpora_load_from_their_manifests(string name, int utterances, int speakers, string[] labels)
    {
        var corpus = CsvCorpus.Load(TestData.Manifest(name));
        Assert.That(corpus.Problems, Is.Empty);
        Assert.That(corpus.Utterances, Has.Count.EqualTo(utterances));
        Assert.That(corpus.Speakers, Has.Count.EqualTo(speakers));
        Assert.That(corpus.Labels, Is.EquivalentTo(labels));
        var first = SpeechEmotion.Audio.WavReader.ReadInfo(corpus.Utterances[0].Path);
        Assert.That((first.SampleRate, first.Channels), Is.EqualTo((16000, 1)));
    }
}
