using System.CommandLine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser loso`: leave-one-speaker-out evaluation with per-fold normalisers; completed folds are kept and
/// skipped on rerun.</summary>
internal static class LosoCommand
{
    public static Command Create()
    {
        var args = new TrainingArgs();
        var folds = new Option<string>("--folds")
        {
            Description = "all, or comma-separated test speakers (one fold each)",
            DefaultValueFactory = _ => "all",
        };
        var groups = new Option<int>("--fold-groups")
        {
            Description = "Make K speaker-disjoint groups instead of one fold per speaker",
        };
        var val = new Option<int>("--val-count")
        {
            Description = "Training speakers per fold held out for early stopping (default 0: fixed epochs)",
        };
        var randomSplit = new Option<double?>("--random-split")
        {
            Description =
                "Instead of LOSO: a random stratified utterance split with this test fraction (speaker-DEPENDENT, "
                + "for comparison with papers)",
        };
        var trainAlso = new Option<string[]>("--train-also")
        {
            Description =
                "A corpus (FORMAT:PATH, as --data) whose utterances join every fold's training set and are "
                + "never tested; give it again for more",
        };
        var noPlots = new Option<bool>("--no-plots") { Description = "Write no PNGs (report.json and report.md only)" };
        var report = new Option<string>("--report", "-o")
        {
            Description = "Output folder (report.json, report.md, confusion.png, curves.png, folds/)",
            DefaultValueFactory = _ => "reports/loso",
        };
        var command = new Command(
            "loso",
            "Leave-one-speaker-out evaluation; rerun the same command to continue an interrupted run"
        )
        {
            folds,
            groups,
            val,
            randomSplit,
            trainAlso,
            noPlots,
            report,
        };
        args.AddTo(command);
        command.SetAction(r =>
            CliRunner.Run(() =>
                LosoRun.Run(
                    r,
                    args,
                    r.GetValue(folds)!,
                    r.GetValue(groups),
                    r.GetValue(val),
                    r.GetValue(report)!,
                    randomSplit: r.GetValue(randomSplit),
                    trainAlso: r.GetValue(trainAlso) ?? [],
                    plots: !r.GetValue(noPlots)
                )
            )
        );
        return command;
    }
}
