using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Data;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser suite`: the generalisation protocol of <see cref="SuitePlan"/> as `ser loso` jobs, one per (cell, fold),
/// reports in OUT/cells/CELL, features cached in OUT/features. With no job options it runs every job still to do
/// (finished folds are skipped, like loso) and merges; --list-jobs, --job N and --merge split that across processes
/// or machines (benchmarks/cluster/suite.slurm).
/// </summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick")
        {
            Description =
                "Each cell's first fold only; the network trains one epoch at toy size (a smoke test, minutes)",
        };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder (suite.json, suite.md, cells/, features/)",
            DefaultValueFactory = _ => "reports/suite",
        };
        var recipe = new Option<string>("--recipe")
        {
            Description = "The network's recipe (name or file); the goals are about the default recipe",
            DefaultValueFactory = _ => "default",
        };
        var models = new Option<string>("--models")
        {
            Description = "network,baseline, or one of them",
            DefaultValueFactory = _ => "network,baseline",
        };
        var dataRoot = new Option<string>("--data-root")
        {
            Description = "Folder holding emodb/, ased/ and urdu/ (default: $SER_DATA, else ../shared/data)",
        };
        var device = DeviceOption.Create();
        var list = new Option<bool>("--list-jobs") { Description = "Print the jobs, one numbered command line each" };
        var job = new Option<int?>("--job") { Description = "Run job N only (1-based, as --list-jobs numbers them)" };
        var merge = new Option<bool>("--merge") { Description = "Only collect finished jobs into the reports" };
        var command = new Command(
            "suite",
            "Run the generalisation suite: Emo-DB, ASED, URDU × utterance/speaker "
                + "mode × network/baseline × alone/with the other corpora, and cross-corpus"
        )
        {
            quick,
            report,
            recipe,
            models,
            dataRoot,
            device,
            list,
            job,
            merge,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                var selected = r.GetValue(models)!.Split(',', StringSplitOptions.TrimEntries);
                if (selected.Length == 0 || selected.Any(m => m is not ("network" or "baseline")))
                    throw new ArgumentException(
                        $"--models: expected network, baseline or both, got '{r.GetValue(models)}'"
                    );
                var cells = SuitePlan.Cells(
                    r.GetValue(dataRoot) ?? DataPaths.Root,
                    r.GetValue(recipe)!,
                    r.GetValue(quick),
                    selected
                );
                var jobs = SuitePlan.Jobs(cells);
                string outDir = r.GetValue(report)!;
                if (r.GetValue(list))
                {
                    foreach (var j in jobs)
                        Console.WriteLine($"{j.Number} {j.Cell.Name} {string.Join(' ', j.Arguments)}");
                    return 0;
                }
                if (r.GetValue(job) is { } n)
                    return n >= 1 && n <= jobs.Count
                        ? RunJob(jobs[n - 1], outDir, r.GetValue(device)!)
                        : throw new ArgumentException($"--job {n}: the suite has jobs 1 to {jobs.Count}");
                if (!r.GetValue(merge))
                    foreach (var j in jobs)
                        if (RunJob(j, outDir, r.GetValue(device)!) is var code and not 0)
                            return code;
                return Merge(cells, jobs, outDir, r.GetValue(recipe)!, r.GetValue(quick));
            })
        );
        return command;
    }

    private static string CellDir(string outDir, SuiteCell cell) => Path.Combine(outDir, "cells", cell.Name);

    private static int Loso(IEnumerable<string> arguments, SuiteCell cell, string outDir, string device) =>
        new RootCommand { LosoCommand.Create() }
            .Parse([
                "loso",
                .. arguments,
                "--report",
                CellDir(outDir, cell),
                "--feature-cache",
                Path.Combine(outDir, "features"),
                "--device",
                device,
                "--no-plots",
            ])
            .Invoke();

    /// <summary>One job, skipped when its folds are done. A job of one fold among several leaves a report of that
    /// fold alone in the cell's folder, so that report is removed, and the cell's whole report is written by the job
    /// that finishes its last fold (or by --merge).</summary>
    private static int RunJob(SuiteJob job, string outDir, string device)
    {
        string fold = job.FoldSpeaker is null ? "" : $", fold of {job.FoldSpeaker}";
        bool finished = FoldsOf(job).All(f => Done(outDir, job.Cell, f));
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]job {job.Number}[/]: {job.Cell.Name}{fold}{(finished ? " (done)" : "")}"
        );
        if (finished)
            return 0;
        if (Loso(job.Arguments, job.Cell, outDir, device) is var code and not 0)
            return code;
        if (job.FoldSpeaker is null || job.Cell.Folds.Count == 1)
            return 0;
        int done = job.Cell.Folds.Count(f => Done(outDir, job.Cell, f));
        if (done == job.Cell.Folds.Count)
            return Loso(job.Cell.Complete, job.Cell, outDir, device);
        foreach (var name in new[] { "report.json", "report.md" })
            File.Delete(Path.Combine(CellDir(outDir, job.Cell), name));
        AnsiConsole.MarkupLineInterpolated(
            $"{job.Cell.Name}: {done} of {job.Cell.Folds.Count} folds done; its report comes with the last"
        );
        return 0;
    }

    private static IEnumerable<string[]> FoldsOf(SuiteJob job) =>
        job.FoldSpeaker is null ? job.Cell.Folds : job.Cell.Folds.Where(f => f[0] == job.FoldSpeaker);

    private static bool Done(string outDir, SuiteCell cell, string[] fold) =>
        File.Exists(Path.Combine(CellDir(outDir, cell), "folds", FoldPlan.Name(fold), "fold.json"));

    /// <summary>Each cell's report (its folds all done, so loso only writes it), then suite.json and suite.md; a job
    /// still to run is an error naming it.</summary>
    private static int Merge(
        IReadOnlyList<SuiteCell> cells,
        IReadOnlyList<SuiteJob> jobs,
        string outDir,
        string recipe,
        bool quick
    )
    {
        var missing = jobs.Where(j => !FoldsOf(j).All(f => Done(outDir, j.Cell, f))).Select(j => j.Number).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"{missing.Count} jobs have not finished: {string.Join(", ", missing)}"
            );
        var rows = new List<SuiteRow>();
        foreach (var cell in cells)
        {
            if (Loso(cell.Complete, cell, outDir, "cpu") is var code and not 0)
                return code;
            rows.Add(SuiteReport.Row(cell, Path.Combine(CellDir(outDir, cell), "report.json")));
        }
        SuiteReport.Write(
            outDir,
            new SuiteResult(
                "Emo-DB 10 folds (LOSO), ASED and URDU 5 speaker-grouped folds (speakers sorted as strings, fold = "
                    + "index "
                    + "mod 5); utterance mode = training-set statistics only, speaker mode = each speaker's own "
                    + "statistics; "
                    + "cross-corpus = trained on the two other corpora, tested on all of this one, on the four "
                    + "shared labels.",
                recipe,
                quick,
                rows
            )
        );
        AnsiConsole.MarkupLineInterpolated($"wrote {outDir}/suite.json, suite.md ({rows.Count} cells)");
        return 0;
    }
}
