using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Audio;
using SpeechEmotion.Features;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser spectrogram WAV [--png out.png]`: the model's input features for one file.</summary>
internal static class SpectrogramCommand
{
    public static Command Create()
    {
        var wav = new Argument<string>("wav") { Description = "WAV file (any PCM/float format, rate and channel count)" };
        var png = new Option<string?>("--png") { Description = "Write a picture of the log power spectrogram" };
        var command = new Command("spectrogram", "Compute the log power spectrogram (frames x 400 bins, 0-3990 Hz)") { wav, png };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(wav)!, r.GetValue(png))));
        return command;
    }

    private static int Run(string path, string? png)
    {
        var samples = WavReader.ReadMono16k(path);
        var spec = Spectrogram.Compute<float>(samples);
        int frames = spec.Length / Spectrogram.Bins;
        AnsiConsole.MarkupLineInterpolated($"{path}: {samples.Length / (double)WavReader.TargetSampleRate:F3} s, {frames} frames x {Spectrogram.Bins} bins (10 ms hop, 10 Hz bins)");
        AnsiConsole.MarkupLineInterpolated($"log power: min {spec.Min():F2}, max {spec.Max():F2}, mean {spec.Average():F2}");
        if (png is not null)
        {
            Plots.SpectrogramPng(spec, frames, Spectrogram.Bins, png, Path.GetFileName(path));
            AnsiConsole.MarkupLineInterpolated($"wrote {png}");
        }
        return 0;
    }
}
