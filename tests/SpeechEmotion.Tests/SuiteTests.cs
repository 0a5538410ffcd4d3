using System.Text.Json.Nodes;
using SpeechEmotion.Data;
using SpeechEmotion.Tests.Support;

namespace SpeechEmotion.Tests;

/// <summary>`ser suite` on the three real corpora (--quick, the baseline only, to keep it to about a minute): run in
/// one process, and as separate processes per job then merged, it gives the same suite.json; merging before every
/// job has run names the missing jobs.</summary>
public class SuiteTests
{
    private static string[] Quick(string report) =>
        [
            "suite",
            "--quick",
            "--models",
            "baseline",
            "--device",
            "cpu",
            "--report",
            report,
            "--data-root",
            Path.GetDirectoryName(TestData.EmoDbFolder())!,
        ];

    /// <summary>suite.json without the timings, which differ from run to run.</summary>
    private static JsonNode Results(string report)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(report, "suite.json")))!;
        foreach (var row in json["rows"]!.AsArray())
            row!.AsObject().Remove("seconds");
        return json;
    }

    [Test, Category("Slow")]
    public void Jobs_in_separate_processes_merge_to_the_one_process_suite()
    {
        TestData.Manifest("ased");
        TestData.Manifest("urdu");
        using var dir = new TempDir();
        string one = Path.Combine(dir.Path, "one"),
            split = Path.Combine(dir.Path, "split");
        var (code, output) = SerProcess.Run(Quick(one));
        Assert.That(code, Is.EqualTo(0), output);
        string md = File.ReadAllText(Path.Combine(one, "suite.md"));
        Assert.That(md, Does.Contain("## Cross-corpus").And.Contain("| urdu |"));
        Assert.That(md, Does.Match(@"summed over every fold .*: baseline \d+ s \(\d+\.\d\d h\); in all"));
        Assert.That(Results(one)["rows"]!.AsArray(), Has.Count.EqualTo(18), "3 corpora × 2 modes × 3 training sets");
        Assert.That(Directory.GetFiles(one, "*.png", SearchOption.AllDirectories), Is.Empty, "reports only");

        var listed = SerProcess.Run([.. Quick(split), "--list-jobs"]);
        Assert.That(listed.ExitCode, Is.EqualTo(0), listed.Output);
        var jobs = listed.Output.Trim().Split('\n');
        Assert.That(jobs, Has.Length.EqualTo(18));
        Assert.That(jobs[0], Does.StartWith("1 emodb-utterance-baseline-alone --recipe functionals"));

        var early = SerProcess.Run([.. Quick(split), "--merge"]);
        Assert.That(early.ExitCode, Is.EqualTo(1));
        Assert.That(early.Output, Does.Contain("18 jobs have not finished: 1, 2, 3"));
        foreach (var job in jobs)
        {
            var run = SerProcess.Run([.. Quick(split), "--job", job.Split(' ')[0]]);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
        }
        var merged = SerProcess.Run([.. Quick(split), "--merge"]);
        Assert.That(merged.ExitCode, Is.EqualTo(0), merged.Output);
        Assert.That(JsonNode.DeepEquals(Results(split), Results(one)), $"{Results(split)}\n---\n{Results(one)}");
        Assert.That(SerProcess.Run([.. Quick(split), "--job", "19"]).Output, Does.Contain("jobs 1 to 18"));
    }

    /// <summary>A cell of five folds run as five jobs (URDU, baseline: jobs 31–35 of the full baseline suite): no
    /// report of one fold stands in the cell's folder meanwhile, and the job that finishes the last fold writes the
    /// cell's report of all five.</summary>
    [Test, Category("Slow")]
    public void A_cells_report_appears_when_its_last_fold_is_done_and_holds_every_fold()
    {
        TestData.Manifest("urdu");
        using var dir = new TempDir();
        string[] Full(int job) =>
            [
                "suite",
                "--models",
                "baseline",
                "--device",
                "cpu",
                "--report",
                dir.Path,
                "--data-root",
                Path.GetDirectoryName(TestData.EmoDbFolder())!,
                "--job",
                job.ToString(),
            ];
        string cell = Path.Combine(dir.Path, "cells", "urdu-utterance-baseline-alone");
        for (int job = 31; job <= 35; job++)
        {
            var run = SerProcess.Run(Full(job));
            Assert.That(run.ExitCode, Is.EqualTo(0), run.Output);
            Assert.That(File.Exists(Path.Combine(cell, "report.json")), Is.EqualTo(job == 35), $"after job {job}");
            if (job < 35)
                Assert.That(run.Output, Does.Contain($"{job - 30} of 5 folds done"));
        }
        var report = SpeechEmotion.Evaluation.RunReport.Load(Path.Combine(cell, "report.json"));
        Assert.That(report.Folds, Has.Count.EqualTo(5));
        Assert.That(report.Predictions, Has.Count.EqualTo(400), "every URDU clip tested once");
    }

    [Test]
    public void Utterance_mode_keeps_a_per_utterance_recipe_and_gives_a_speaker_recipe_global_statistics()
    {
        TestData.Manifest("ased");
        TestData.Manifest("urdu");
        string root = Path.GetDirectoryName(TestData.EmoDbFolder())!;
        string perUtterance = Path.Combine(DataPaths.RepositoryRoot()!, "recipes", "candidates", "D.json");
        string Normalize(string recipe, string model, string mode)
        {
            var args = Cli.Commands.SuitePlan.Cells(root, recipe, true, [model]).First(c => c.Mode == mode).Arguments;
            return args[args.ToList().IndexOf("--normalize") + 1];
        }
        Assert.That(Normalize(perUtterance, "network", "utterance"), Is.EqualTo("utterance"));
        Assert.That(Normalize(perUtterance, "network", "speaker"), Is.EqualTo("speaker"));
        Assert.That(Normalize("emodb-best", "network", "utterance"), Is.EqualTo("global"));
        Assert.That(Normalize(perUtterance, "baseline", "utterance"), Is.EqualTo("global"));
    }

    [Test]
    public void Without_a_recipe_the_network_jobs_use_the_default_recipe()
    {
        TestData.Manifest("ased");
        TestData.Manifest("urdu");
        string root = Path.GetDirectoryName(TestData.EmoDbFolder())!;
        var (code, output) = SerProcess.Run(["suite", "--list-jobs", "--models", "network", "--data-root", root]);
        Assert.That(code, Is.EqualTo(0), output);
        var jobs = output.Trim().Split('\n');
        Assert.That(jobs, Has.Length.EqualTo(86));
        Assert.That(jobs, Has.All.Contain(" --recipe default "));
    }
}
