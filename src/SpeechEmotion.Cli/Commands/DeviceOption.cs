using System.CommandLine;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>The one `--device` option of every command, default "auto" (the first accelerator that opens, else the
/// CPU); commands say which device they took.</summary>
internal static class DeviceOption
{
    public static Option<string> Create() =>
        new("--device", "-d") { Description = $"{Devices.Help} (default: auto)", DefaultValueFactory = _ => "auto" };

    /// <summary>Opens the device for one job (a fold, a benchmark); "auto" is said once on stdout.</summary>
    public static Func<IBackend<float>> Factory(string device)
    {
        using (var probe = Devices.Open(device))
            if (device == "auto")
                Spectre.Console.AnsiConsole.MarkupLineInterpolated($"device: auto → {probe.Name}");
        return () => Devices.Open(device);
    }
}
