using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Serialization;

namespace SpeechEmotion.Cli.Commands;

/// <summary>Which file format `ser export` writes.</summary>
internal enum ExportFormat
{
    Onnx,
    Safetensors,
}

/// <summary>
/// `ser export MODEL OUT [--format onnx|safetensors]` (ONNX for ONNX Runtime; safetensors for PyTorch) and `ser import
/// IN OUT`: a model as safetensors (PyTorch names and
/// shapes, config and labels in the metadata) and back, value for value.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "Model file (.ser)" };
        var output = new Argument<string>("output") { Description = "File to write" };
        var format = EnumOption.WithDefault(
            "--format",
            "onnx (opset 17: inputs features [batch, frames, F], standardised, and lengths [batch] int32, output "
                + "logits) or safetensors (PyTorch names and shapes; load_state_dict reads it)",
            ExportFormat.Safetensors
        );
        var command = new Command("export", "Write a model in another format") { model, output, format };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                var saved = SavedModel.Load(r.GetValue(model)!);
                if (r.GetValue(format) == ExportFormat.Onnx)
                    OnnxExport.Write(saved, r.GetValue(output)!);
                else
                    ModelExport.ToSafeTensors(saved, r.GetValue(output)!);
                AnsiConsole.MarkupLineInterpolated($"wrote {r.GetValue(output)}");
                return 0;
            })
        );
        return command;
    }

    public static Command CreateImport()
    {
        var input = new Argument<string>("input") { Description = "safetensors file written by `ser export`" };
        var output = new Argument<string>("output") { Description = "Model file to write (.ser)" };
        var command = new Command("import", "Read a model exported with `ser export` back into a .ser file")
        {
            input,
            output,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
            {
                ModelExport.FromSafeTensors(r.GetValue(input)!).Save(r.GetValue(output)!);
                AnsiConsole.MarkupLineInterpolated($"wrote {r.GetValue(output)}");
                return 0;
            })
        );
        return command;
    }
}
