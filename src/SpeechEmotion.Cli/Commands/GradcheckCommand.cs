using System.CommandLine;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Spectre.Console;
using SpeechEmotion.Engine.Ops;
using SpeechEmotion.Model;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser gradcheck [--seed N]`: finite-difference checks of every layer and the whole model (for engine
/// developers).</summary>
internal static class GradcheckCommand
{
    public static Command Create()
    {
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for shapes, inputs and weights",
            DefaultValueFactory = _ => 1,
        };
        var op = new Option<string?>("--op")
        {
            Description =
                "Only the layer built on this kernel op (a `ser doctor` row: gru-forward, attention-backward…)",
        };
        var command = new Command(
            "gradcheck",
            "Check every backward pass against float64 central differences; exit 1 on any failure"
        )
        {
            seed,
            op,
        };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(seed), r.GetValue(op))));
        return command;
    }

    private static int Run(int seed, string? opName)
    {
        var rows = GradientCheck.All(seed);
        if (opName is not null)
        {
            var op = KernelOps.Get(opName);
            rows = op.Gradients is { } group
                ? GradientCheck.Groups[group](seed)
                : throw new ArgumentException($"{op.Name} has no gradient check: no layer differentiates through it");
        }
        var table = new Table().AddColumns("layer", "tensor", "elements", "max rel. error", "result");
        table.Title($"gradient checks (seed {seed}, tolerance {GradientCheck.Tolerance:E0})");
        bool ok = true;
        foreach (var row in rows)
        {
            ok &= row.Passed;
            table.AddRow(
                Markup.Escape(row.Layer),
                Markup.Escape(row.Tensor),
                row.Elements.ToString(),
                row.MaxRelativeError.ToString("E2"),
                row.Passed ? "[green]pass[/]" : "[red]FAIL[/]"
            );
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(CpuSummary());
        AnsiConsole.MarkupLine(ok ? "[green]all gradients match[/]" : "[red]some gradients do not match[/]");
        return ok ? 0 : 1;
    }

    /// <summary>What the cpu backend's packed GEMM runs on here: Vector&lt;T&gt; width and whether multiply-add is
    /// fused.</summary>
    internal static string CpuSummary() =>
        $"cpu backend: {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, "
        + $"SIMD {Vector<float>.Count * 32} bits{(Vector.IsHardwareAccelerated ? "" : " (software)")}, "
        + $"fused multiply-add {(Fma.IsSupported || AdvSimd.IsSupported ? "yes" : "no")}";
}
