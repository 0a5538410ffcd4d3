using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser sweep --heads 4,8,16,32 --baseline`: a LOSO run per head count (and the Bi-GRU-only baseline), then a table like the paper's Table 3 and a bar chart like its Fig. 4.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var args = new TrainingArgs();
        var headList = new Option<string>("--heads") { Description = "Comma-separated head counts", DefaultValueFactory = _ => "4,8,16,32" };
        var baseline = new Option<bool>("--baseline") { Description = "Also run the Bi-GRU-only baseline (no attention)" };
        var folds = new Option<string>("--folds") { Description = "all, or comma-separated test speakers", DefaultValueFactory = _ => "all" };
        var report = new Option<string>("--report") { Description = "Output folder: one subfolder per setting, sweep.md, sweep.png", DefaultValueFactory = _ => "reports/sweep" };
        var command = new Command("sweep", "LOSO for several head counts and the Bi-GRU baseline; resumable like loso") { headList, baseline, folds, report };
        args.AddTo(command, modelShape: false);
        command.SetAction(r => CliRunner.Run(() =>
        {
            string outDir = r.GetValue(report)!;
            var settings = TrainCommand.Split(r.GetValue(headList)).Select(h => ($"heads-{h}", true, (int?)int.Parse(h))).ToList();
            if (r.GetValue(baseline)) settings.Insert(0, ("bigru-baseline", false, null));
            var rows = new List<(string Name, double Ua, double Wa)>();
            foreach (var (name, attention, heads) in settings)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{name}[/]");
                int code = LosoCommand.Run(r, args, r.GetValue(folds)!, 0, 0, Path.Combine(outDir, name), attention, heads);
                if (code != 0) return code;
                var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, name, "report.json")))!;
                rows.Add((name, json["ua"]!.GetValue<double>(), json["wa"]!.GetValue<double>()));
            }
            var md = new StringBuilder("# Heads sweep (cf. the paper's Table 3)\n\n| setting | UA (%) | WA (%) |\n|---|---|---|\n");
            foreach (var row in rows) md.AppendLine($"| {row.Name} | {100 * row.Ua:F2} | {100 * row.Wa:F2} |");
            File.WriteAllText(Path.Combine(outDir, "sweep.md"), md.ToString());
            Plots.BarsPng(rows.Select(x => (x.Name, 100 * x.Ua)).ToList(), "UA (%)", Path.Combine(outDir, "sweep.png"));
            var table = new Table().AddColumns("setting", "UA", "WA");
            foreach (var row in rows) table.AddRow(row.Name, row.Ua.ToString("P2"), row.Wa.ToString("P2"));
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
