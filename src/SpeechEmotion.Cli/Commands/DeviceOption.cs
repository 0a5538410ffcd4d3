using System.CommandLine;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>The one `--device` option. Commands that recognise a file or two default to the CPU (it answers before a
/// GPU has compiled its kernels); training, evaluation and benchmarks default to "auto".</summary>
internal static class DeviceOption
{
    public static Option<string> Create(string defaultDevice = "auto") => new("--device", "-d")
    {
        Description = $"{Devices.Help} (default: {defaultDevice})",
        DefaultValueFactory = _ => defaultDevice,
    };

    /// <summary>Opens the device for one job (a fold, a benchmark); "auto" is said once on stdout.</summary>
    public static Func<IBackend<float>> Factory(string device)
    {
        using (var probe = Devices.Open(device))
            if (device == "auto") Spectre.Console.AnsiConsole.MarkupLineInterpolated($"device: auto → {probe.Name}");
        return () => Devices.Open(device);
    }
}
