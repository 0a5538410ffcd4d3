using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Cli.Commands;

if (Console.IsOutputRedirected)
{
    // Piped or logged output: plain text, wide tables, no colour codes.
    AnsiConsole.Console = AnsiConsole.Create(
        new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors }
    );
    AnsiConsole.Profile.Width = 240;
}

RegisterGpuBackends();
var root = new RootCommand(
    "ser — speech emotion recognition with a Bi-GRU + multi-head attention network (SpeechEmotion.Native)"
);
root.Subcommands.Add(CorpusCommand.Create());
root.Subcommands.Add(SpectrogramCommand.Create());
root.Subcommands.Add(GradcheckCommand.Create());
AddGpuCommands(root);
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(LosoCommand.Create());
root.Subcommands.Add(EvaluateCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(SegmentsCommand.Create());
root.Subcommands.Add(StreamCommand.Create());
root.Subcommands.Add(SweepCommand.Create());
root.Subcommands.Add(SuiteCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(EnsembleCommand.Create());
root.Subcommands.Add(DownloadCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(ExportCommand.CreateImport());
LowerCaseHelp.Install(root);
return root.Parse(args).Invoke();

/// <summary>The entry point; the GPU parts are partial methods, implemented in Gpu/ where the build has them.</summary>
internal partial class Program
{
    static partial void RegisterGpuBackends();

    static partial void AddGpuCommands(RootCommand root);
}
