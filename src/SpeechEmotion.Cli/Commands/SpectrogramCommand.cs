using System.CommandLine;
using Spectre.Console;
using SpeechEmotion.Audio;
using SpeechEmotion.Features;

namespace SpeechEmotion.Cli.Commands;

/// <summary>`ser spectrogram WAV [--png out.png] [--features mel] [--pitch] [--deltas]`: the model's input features for
/// one file.</summary>
internal static class SpectrogramCommand
{
    public static Command Create()
    {
        var wav = new Argument<string>("wav")
        {
            Description = "WAV file (any PCM/float format, rate and channel count)",
        };
        var png = new Option<string?>("--png") { Description = "Write a picture of the features" };
        var args = new TrainingArgs();
        var command = new Command(
            "spectrogram",
            "Compute the model's input features: log power spectrogram (frames x 400 bins, 0-3990 Hz) or log-mel bands"
        )
        {
            wav,
            png,
            args.Feature,
            args.MelBands,
            args.PitchFeatures,
            args.DeltaFeatures,
        };
        command.SetAction(r => CliRunner.Run(() => Run(r.GetValue(wav)!, r.GetValue(png), args.FrontEndOf(r))));
        return command;
    }

    private static int Run(string path, string? png, FrontEnd frontEnd)
    {
        var samples = WavReader.ReadMono16k(path);
        var spec = frontEnd.Compute(samples);
        int frames = spec.Length / frontEnd.Width;
        AnsiConsole.MarkupInterpolated(
            $"{path}: {samples.Length / (double)WavReader.TargetSampleRate:F3} s, {frames} frames (10 ms hop) x "
        );
        AnsiConsole.MarkupLineInterpolated($"{frontEnd.Width} values: {frontEnd}");
        string what = frontEnd.Deltas || frontEnd.Pitch ? "values" : "log power";
        AnsiConsole.MarkupLineInterpolated(
            $"{what}: min {spec.Min():F2}, max {spec.Max():F2}, mean {spec.Average():F2}"
        );
        if (frontEnd.Pitch)
            PrintPitch(Pitch.Estimate(samples));
        if (png is not null)
        {
            Plots.SpectrogramPng(spec, frames, frontEnd, png, Path.GetFileName(path));
            AnsiConsole.MarkupLineInterpolated($"wrote {png}");
        }
        return 0;
    }

    private static void PrintPitch(Pitch.Track track)
    {
        var hz = track.VoicedHz().Order().ToArray();
        string range = hz.Length > 0 ? $", F0 median {hz[hz.Length / 2]:F0} Hz, range {hz[0]:F0}–{hz[^1]:F0} Hz" : "";
        AnsiConsole.MarkupLineInterpolated($"pitch: {hz.Length} of {track.LogF0.Length} frames voiced{range}");
    }
}
