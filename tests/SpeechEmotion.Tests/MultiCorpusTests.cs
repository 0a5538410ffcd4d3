using System.Text;
using System.Text.Json.Nodes;
using SpeechEmotion.Corpora;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>Training on several corpora at once: labels merged by name, speakers kept apart per corpus, a file in
/// two corpora refused, and `--data` given twice end to end.</summary>
public class MultiCorpusTests
{
    /// <summary>A CSV corpus of tones (300 Hz anger, 900 Hz sadness, 1500 Hz happiness) by speakers 01 and
    /// 02.</summary>
    private static string WriteCsvCorpus(TempDir dir, string folder)
    {
        var random = new Random(7);
        var rows = new List<string> { "path,label,speaker" };
        foreach (var speaker in new[] { "01", "02" })
        foreach (var (label, hz) in new[] { ("anger", 300.0), ("sadness", 900.0), ("happiness", 1500.0) })
            for (int k = 0; k < 3; k++)
            {
                var audio = Enumerable
                    .Range(0, 3200 + random.Next(1600))
                    .Select(n =>
                        (float)(0.3 * Math.Sin(2 * Math.PI * hz * n / 16000) + 0.05 * (random.NextDouble() - 0.5))
                    )
                    .ToArray();
                string name = $"{speaker}-{label}-{k}.wav";
                dir.File($"{folder}/{name}", WavBytes.Build(1, 1, 16000, 16, WavBytes.Pcm16(audio)));
                rows.Add($"{name},{label},{speaker}");
            }
        return dir.File($"{folder}/manifest.csv", Encoding.UTF8.GetBytes(string.Join("\n", rows) + "\n"));
    }

    [Test]
    public void Merged_corpora_share_labels_by_name_and_keep_speakers_apart()
    {
        using var dir = new TempDir();
        var tones = EmoDbCorpus.Load(TrainingCliTests.WriteCorpus(dir));
        var csv = CsvCorpus.Load(WriteCsvCorpus(dir, "other"));
        Assert.That(csv.Name, Is.EqualTo("other"), "manifest.csv is named after its folder");
        var merged = Corpus.Merge([tones, csv]);
        Assert.That(merged.Name, Is.EqualTo("emodb+other"));
        Assert.That(merged.Labels, Is.EqualTo(tones.Labels.Concat(csv.Labels).Distinct()));
        Assert.That(merged.Labels.Take(tones.Labels.Count), Is.EqualTo(tones.Labels));
        Assert.That(merged.Speakers, Is.EqualTo(new[] { "emodb/03", "emodb/08", "emodb/09", "other/01", "other/02" }));
        Assert.That(merged.Utterances, Has.Count.EqualTo(tones.Utterances.Count + csv.Utterances.Count));
        Assert.That(Corpus.Merge([csv]), Is.SameAs(csv));
        Assert.That(Corpus.Merge([csv, csv with { Utterances = [] }]).Name, Is.EqualTo("other+other-2"));
        Assert.That(
            () => Corpus.Merge([csv, csv]),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("is in two of the corpora")
        );
    }

    /// <summary>`ser loso` of the functionals recipe over the tone corpus (Emo-DB style) and the CSV one, given as
    /// <paramref name="sources"/> says (tones, csv → arguments): its output, report.json, folder and the tones'
    /// path.</summary>
    private static (string Output, JsonNode Json, string Report, string Tones) Loso(
        TempDir dir,
        Func<string, string, string[]> sources
    )
    {
        string tones = TrainingCliTests.WriteCorpus(dir),
            csv = WriteCsvCorpus(dir, "other");
        string report = Path.Combine(dir.Path, "report");
        var (code, output) = SerProcess.Run([
            "loso",
            .. sources(tones, csv),
            "--recipe",
            "functionals",
            "--epochs",
            "30",
            "--device",
            "cpu",
            "--report",
            report,
        ]);
        Assert.That(code, Is.EqualTo(0), output);
        return (output, JsonNode.Parse(File.ReadAllText(Path.Combine(report, "report.json")))!, report, tones);
    }

    [Test, Category("Slow")]
    public void Loso_trains_on_two_corpora_given_as_two_data_options()
    {
        using var dir = new TempDir();
        var (output, json, _, tones) = Loso(
            dir,
            (tones, csv) => ["--data", "emodb:" + tones, "--data", "csv:" + csv, "--fold-groups", "2"]
        );
        Assert.That(output, Does.Contain("emodb+other: 45 utterances, 5 speakers"));
        var speakers = json["folds"]!
            .AsArray()
            .SelectMany(f => f!["speakers"]!.AsArray())
            .Select(s => s!.GetValue<string>())
            .Order()
            .ToList();
        Assert.That(speakers, Is.EqualTo(new[] { "emodb/03", "emodb/08", "emodb/09", "other/01", "other/02" }));
        Assert.That(
            json["labels"]!.AsArray().Select(l => l!.GetValue<string>()),
            Is.EqualTo(EmoDbCorpus.Load(tones).Labels),
            "Emo-DB's seven hold the other corpus's three"
        );
        Assert.That(json["ua"]!.GetValue<double>(), Is.GreaterThan(0.5), "tones are easy on unseen speakers");
    }

    [Test, Category("Slow")]
    public void Train_also_corpora_join_every_fold_and_are_never_tested()
    {
        using var dir = new TempDir();
        var (_, json, report, _) = Loso(
            dir,
            (tones, csv) => ["--data", "csv:" + csv, "--train-also", "emodb:" + tones]
        );
        Assert.That(
            json["folds"]!.AsArray().Select(f => f!["speakers"]![0]!.GetValue<string>()),
            Is.EqualTo(new[] { "other/01", "other/02" }),
            "only the --data corpus is tested"
        );
        Assert.That(json["protocol"]!.GetValue<string>(), Does.Contain("every fold also trains on all of emodb"));
        Assert.That(json["predictions"]!.AsArray(), Has.Count.EqualTo(18), "the 18 utterances of other, no tones");
        Assert.That(
            Directory.GetDirectories(Path.Combine(report, "folds")).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "fold-other~2F01", "fold-other~2F02" }),
            "speaker names kept inside one folder"
        );
    }

    [Test]
    public void Fold_folders_stay_one_folder_whatever_the_speaker_names()
    {
        Assert.That(SpeechEmotion.Evaluation.FoldPlan.Name(["03", "08"]), Is.EqualTo("fold-03_08"), "as before");
        Assert.That(SpeechEmotion.Evaluation.FoldPlan.Name(["../x"]), Is.EqualTo("fold-..~2Fx"));
        Assert.That(
            SpeechEmotion.Evaluation.FoldPlan.Name(["a_b"]),
            Is.Not.EqualTo(SpeechEmotion.Evaluation.FoldPlan.Name(["a", "b"])),
            "no two folds share a folder"
        );
        var many = Enumerable.Range(1, 65).Select(i => $"ased/{i:D2}").ToList();
        string name = SpeechEmotion.Evaluation.FoldPlan.Name(many);
        Assert.That(name.Length, Is.LessThanOrEqualTo(120), "a fold of 65 speakers still makes a legal file name");
        Assert.That(name, Is.Not.EqualTo(SpeechEmotion.Evaluation.FoldPlan.Name(many.Take(64))));
    }

    [Test, Category("Slow")]
    public void Cross_corpus_on_shared_labels_trains_and_scores_only_those()
    {
        using var dir = new TempDir();
        string tones = TrainingCliTests.WriteCorpus(dir),
            csv = WriteCsvCorpus(dir, "other");
        Assert.That(
            () => CsvCorpus.Load(csv).WithLabels(["anger", "boredom"]),
            Throws.ArgumentException.With.Message.Contains("no utterance labelled boredom")
        );
        string model = Path.Combine(dir.Path, "m.ser");
        var (code, output) = SerProcess.Run(
            "train",
            "--data",
            tones,
            "--labels",
            "anger,sadness",
            "--recipe",
            "functionals",
            "--epochs",
            "30",
            "--device",
            "cpu",
            "--out",
            model
        );
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(
            SpeechEmotion.Serialization.SavedModel.Load(model).Labels,
            Is.EqualTo(new[] { "anger", "sadness" })
        );
        (code, output) = SerProcess.Run(
            "evaluate",
            "--model",
            model,
            "--data",
            csv,
            "--labels",
            "sadness,anger",
            "--device",
            "cpu"
        );
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("(12 utterances)"), "the 6 happiness files left out");
    }

    [Test, Category("Slow")]
    public void Excluded_speakers_are_left_out_of_every_fold()
    {
        using var dir = new TempDir();
        var (_, json, _, _) = Loso(dir, (tones, csv) => ["--data", "emodb:" + tones, "--exclude-speakers", "08"]);
        Assert.That(
            json["folds"]!.AsArray().Select(f => f!["speakers"]![0]!.GetValue<string>()),
            Is.EqualTo(new[] { "03", "09" })
        );
        Assert.That(
            json["predictions"]!.AsArray().Select(p => p!["speaker"]!.GetValue<string>()),
            Has.None.EqualTo("08")
        );
        Assert.That(
            () => EmoDbCorpus.Load(TrainingCliTests.WriteCorpus(dir)).WithoutSpeakers(["99"]),
            Throws.ArgumentException.With.Message.Contains("has no speaker 99")
        );
    }
}
