using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Engine;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Kernels;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser doctor`: lists ILGPU devices and runs every kernel against the CPU reference on the chosen
/// one.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = "cuda | cuda:N | ilgpu-cpu | auto (CUDA if present, else ilgpu-cpu)",
            DefaultValueFactory = _ => "auto",
        };
        var size = new Option<string>("--size")
        {
            Description = "small (odd sizes) | full (batch 32, 300 frames, H 128, 8 heads)",
            DefaultValueFactory = _ => "small",
        };
        var seed = new Option<int?>("--seed")
        {
            Description = "Seed for the random data (default: time based, printed)",
        };
        var precision = DeviceOption.CreatePrecision();
        var command = new Command(
            "doctor",
            "List GPU devices and check every kernel against the CPU reference; exit 1 on any failure"
        )
        {
            device,
            size,
            seed,
            precision,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r.GetValue(device)!,
                    r.GetValue(size)!,
                    r.GetValue(seed) ?? Environment.TickCount,
                    r.GetValue(precision)
                )
            )
        );
        return command;
    }

    private static int Run(string device, string sizeName, int seed, Precision precision)
    {
        var size = OpShape.Parse(sizeName);
        var devices = new Table()
            .Title("ILGPU devices")
            .AddColumns("name", "type", "memory", "SMs", "warp", "threads/group", "compute capability");
        foreach (var d in DeviceInfo.List())
            devices.AddRow(
                Markup.Escape(d.Name),
                d.Type,
                d.Type == "CPU" ? "host" : $"{d.MemoryBytes / (1024.0 * 1024 * 1024):F1} GiB",
                d.Multiprocessors.ToString(),
                d.WarpSize.ToString(),
                d.MaxThreadsPerGroup.ToString(),
                d.ComputeCapability
            );
        AnsiConsole.Write(devices);
        AnsiConsole.MarkupLine(GradcheckCommand.CpuSummary());

        string chosen = device == "auto" ? (GpuDevice.CudaAvailable() ? "cuda" : "ilgpu-cpu") : device;
        if (chosen == "cpu")
            throw new ArgumentException(
                "doctor checks kernels against the CPU reference; choose cuda, cuda:N or ilgpu-cpu"
            );
        using var gpu = GpuDevice.Create(chosen);
        AnsiConsole.MarkupLineInterpolated(
            $"checking kernels on [bold]{chosen}[/] ({gpu.Accelerator.Name}), size {size.Name}, seed {seed}, {
                precision.ToString().ToLowerInvariant()
            } products"
        );
        var table = new Table().AddColumns(
            "kernel",
            "max rel. error",
            "tolerance",
            "result",
            "time (ms)",
            "GFLOP/s",
            "GB/s"
        );
        bool ok = true;
        var harness = new ParityHarness(gpu, seed);
        harness.Gpu.Precision = precision;
        foreach (var r in new KernelSelfCheck(harness, size).Run())
        {
            ok &= r.Passed;
            table.AddRow(
                r.Kernel,
                r.MaxRelativeError.ToString("E2"),
                r.Tolerance.ToString("E0"),
                r.Passed ? "[green]pass[/]" : "[red]FAIL[/]",
                r.Milliseconds.ToString("F3"),
                double.IsNaN(r.Flops) ? "–" : Rate(r.GflopsPerSecond),
                Rate(r.GigabytesPerSecond)
            );
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(
            ok ? "[green]all kernels match the CPU reference[/]" : "[red]some kernels do not match[/]"
        );
        return ok ? 0 : 1;
    }

    /// <summary>Whole numbers from 10 up (a GPU at full size), two decimals below, "&lt;0.01" for ilgpu-cpu's
    /// crawl.</summary>
    private static string Rate(double perSecond) =>
        perSecond >= 10 ? perSecond.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
        : perSecond >= 0.01 ? perSecond.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)
        : "<0.01";
}
