using System.Runtime.InteropServices;
using Spectre.Console;
using SpeechEmotion.Evaluation;
using SpeechEmotion.Training;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// Training progress: a Spectre.Console progress bar (epoch, batch, ETA, loss, validation UA) on a terminal; one plain
/// line per epoch when output is redirected to a file or pipe.
/// </summary>
internal sealed class ConsoleObserver : ILosoObserver
{
    private readonly ProgressContext? _progress;
    private ProgressTask? _task;
    private string _fold = "";
    private string _last = "";

    private readonly bool _regression;

    private ConsoleObserver(ProgressContext? progress, bool regression) =>
        (_progress, _regression) = (progress, regression);

    /// <summary>Runs the body with a progress display; regression runs report validation correlation instead of
    /// UA.</summary>
    public static T Run<T>(Func<ILosoObserver, T> body, bool regression = false)
    {
        if (Console.IsOutputRedirected)
            return body(new ConsoleObserver(null, regression));
        return AnsiConsole
            .Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new RemainingTimeColumn(),
                new SpinnerColumn()
            )
            .Start(ctx => body(new ConsoleObserver(ctx, regression)));
    }

    /// <summary>Ctrl-C (SIGINT) or SIGTERM (`kill`, `docker stop`, a background job) asks the trainer to stop after the
    /// current batch, save a checkpoint and return.</summary>
    public static CancellationTokenSource CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            source.Cancel();
        };
        _terminate = PosixSignalRegistration.Create(
            PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                source.Cancel();
            }
        );
        return source;
    }

    // Kept alive for the process: disposing the registration would restore the default (immediate) SIGTERM.
    private static PosixSignalRegistration? _terminate;

    public void FoldStarted(int index, int count, string[] speakers, bool alreadyDone)
    {
        _fold = $"fold {index + 1}/{count} (test {string.Join(",", speakers)})";
        _task = null;
        if (alreadyDone)
            Log($"{_fold}: already done, skipped");
    }

    public void FoldDone(FoldResult result, string summary)
    {
        _task?.StopTask();
        Log($"{_fold}: {summary}, {result.Epochs} epochs, {result.Seconds:F0} s");
    }

    // One bar per fold (or run) over all its batches; the description carries epoch, last loss and validation UA.
    public void EpochStarted(int epoch, int epochs, int batches)
    {
        if (_progress is null)
            return;
        _task ??= _progress.AddTask(Markup.Escape(_fold), maxValue: (double)epochs * batches);
        _task.Value = (double)epoch * batches;
        _task.Description = Markup.Escape($"{_fold} epoch {epoch + 1}/{epochs}{_last}");
    }

    public void BatchDone(int epoch, int batch, double loss) => _task?.Increment(1);

    public void EpochDone(EpochRecord r)
    {
        string line =
            $"epoch {r.Epoch}: loss {r.TrainLoss:F4}"
            + (r.ValidationScore is { } v ? (_regression ? $", validation r {v:F3}" : $", validation UA {v:P2}") : "")
            + $" ({r.Seconds:F1} s)";
        _last = $" | {line}";
        if (_progress is null)
            Log($"{_fold} {line}");
    }

    private void Log(string line)
    {
        if (_progress is null)
            Console.WriteLine(line);
        else
            _progress.AddTask(Markup.Escape(line), autoStart: false, maxValue: 1).Value = 1;
    }
}
