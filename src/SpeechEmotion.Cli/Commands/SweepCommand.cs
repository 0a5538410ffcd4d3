using System.CommandLine;
using System.Text;
using Spectre.Console;
using SpeechEmotion.Evaluation;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser sweep --heads 4,8,16,32 --baseline`: a LOSO run per head count (and the Bi-GRU-only baseline), then a
/// table like the paper's Table 3 and a bar chart like its Fig. 4.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var args = new TrainingArgs();
        var headList = new Option<string>("--heads")
        {
            Description = "Comma-separated head counts",
            DefaultValueFactory = _ => "4,8,16,32",
        };
        var baseline = new Option<bool>("--baseline")
        {
            Description = "Also run the Bi-GRU-only baseline (no attention)",
        };
        var folds = new Option<string>("--folds")
        {
            Description = "all, or comma-separated test speakers",
            DefaultValueFactory = _ => "all",
        };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder: one subfolder per setting, sweep.md, sweep.png",
            DefaultValueFactory = _ => "reports/sweep",
        };
        var command = new Command("sweep", "LOSO for several head counts and the Bi-GRU baseline; resumable like loso")
        {
            headList,
            baseline,
            folds,
            report,
        };
        args.AddTo(command, modelShape: false);
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                string outDir = r.GetValue(report)!;
                var settings = TrainingArgs
                    .Split(r.GetValue(headList))
                    .Select(h => ($"heads-{h}", true, (int?)int.Parse(h)))
                    .ToList();
                if (r.GetValue(baseline))
                    settings.Insert(0, ("bigru-baseline", false, null));
                var rows = new List<(string Name, RunStats Run)>();
                var data = args.LoadFeatures(r);
                foreach (var (name, attention, heads) in settings)
                {
                    AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]");
                    int code = LosoRun.Run(
                        r,
                        args,
                        r.GetValue(folds)!,
                        groups: 0,
                        val: 0,
                        Path.Combine(outDir, name),
                        attention,
                        heads,
                        data: data
                    );
                    if (code != 0)
                        return code;
                    rows.Add((name, RunStats.Load(Path.Combine(outDir, name, "report.json"))));
                }
                File.WriteAllText(Path.Combine(outDir, "sweep.md"), Markdown(rows));
                Plots.BarsPng(
                    rows.Select(x => (x.Name, 100 * x.Run.Ua, 100 * FoldInterval(outDir, x.Name))).ToList(),
                    "UA (%)",
                    Path.Combine(outDir, "sweep.png")
                );
                var table = new Table().AddColumns("setting", "UA", "WA", $"vs {rows[0].Name}");
                foreach (var (name, run) in rows)
                    table.AddRow(name, run.Ua.ToString("P2"), run.Wa.ToString("P2"), Versus(rows[0].Run, run));
                AnsiConsole.Write(table);
                return 0;
            })
        );
        return command;
    }

    /// <summary>The paper's Table 3 with its §4.3 test: each setting against the first (the baseline when run), and
    /// one ANOVA over all.</summary>
    private static string Markdown(List<(string Name, RunStats Run)> rows)
    {
        var md = new StringBuilder("# Heads sweep (cf. the paper's Table 3)\n\n");
        md.AppendLine(
            $"| setting | UA (%) | WA (%) | macro F1 (%) | vs {rows[0].Name}: ΔUA, one-way ANOVA "
                + $"|\n|---|---|---|---|---|"
        );
        foreach (var (name, run) in rows)
            md.AppendLine(
                $"| {name} | {100 * run.Ua:F2} | {100 * run.Wa:F2} | {100 * run.MacroF1:F2} | "
                    + $"{Versus(rows[0].Run, run)} |"
            );
        if (rows.Count > 2)
        {
            var all = RunComparison.Anova(rows.Select(x => x.Run).ToList());
            md.AppendLine(
                $"\nOne-way ANOVA over all {rows.Count} settings on per-utterance correctness: F({all.DfBetween}, "
                    + $"{all.DfWithin}) = {all.F:F3}, p = {all.P:G4}."
            );
        }
        return md.ToString();
    }

    private static string Versus(RunStats reference, RunStats run)
    {
        if (ReferenceEquals(reference, run))
            return "—";
        var anova = RunComparison.Anova([reference, run]);
        return $"{100 * (run.Ua - reference.Ua):+0.00;-0.00;0.00}, F({anova.DfBetween}, {anova.DfWithin}) = "
            + $"{anova.F:F3}, p = {anova.P:G3}";
    }

    /// <summary>Half-width of the 95 % interval of a run's mean per-fold UA: t(0.975, folds − 1) · sd / √folds (0
    /// for one fold).</summary>
    private static double FoldInterval(string outDir, string name)
    {
        var report = RunReport.Load(Path.Combine(outDir, name, "report.json"));
        var ua = report.Folds.Select(f => f.Ua ?? double.NaN).ToList();
        if (ua.Count < 2)
            return 0;
        double mean = ua.Average();
        double standardError = Math.Sqrt(ua.Sum(u => (u - mean) * (u - mean)) / (ua.Count - 1) / ua.Count);
        return MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, ua.Count - 1, 0.975) * standardError;
    }
}
