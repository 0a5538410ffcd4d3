using System.CommandLine;
using SpeechEmotion.Engine;

namespace SpeechEmotion.Cli.Commands;

/// <summary>The one `--device` option of every command, default "auto" (the first accelerator that opens, else the
/// CPU); commands say which device they took.</summary>
internal static class DeviceOption
{
    public static Option<string> Create() =>
        new("--device", "-d") { Description = Devices.Help, DefaultValueFactory = _ => "auto" };

    /// <summary>`--precision`: the GEMM arithmetic (a GPU backend's choice).</summary>
    public static Option<Precision> CreatePrecision() =>
        EnumOption.WithDefault(
            "--precision",
            "Matrix products: fp32, or tf32 (inputs rounded to 10-bit mantissas, tensor cores on CUDA; GPU backends)",
            Precision.Fp32
        );

    /// <summary>Opens the device for one job (a fold, a benchmark); "auto" is said once on stdout.</summary>
    public static Func<IBackend<float>> Factory(string device, Precision precision = Precision.Fp32)
    {
        using (var probe = Open(device, precision))
            if (device == "auto")
                Spectre.Console.AnsiConsole.MarkupLineInterpolated($"device: auto → {probe.Name}");
        return () => Open(device, precision);
    }

    private static IBackend<float> Open(string device, Precision precision)
    {
        var backend = Devices.Open(device);
        if (precision == Precision.Fp32)
            return backend;
        if (backend is IPrecisionBackend selectable)
        {
            selectable.Precision = precision;
            return backend;
        }
        backend.Dispose();
        throw new ArgumentException(
            $"--precision {precision.ToString().ToLowerInvariant()} needs a GPU backend; "
                + $"{backend.Name} computes in fp32"
        );
    }
}
