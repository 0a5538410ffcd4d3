using System.CommandLine;
using SpeechEmotion.Audio;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// `ser segments FILE [--json] [--png timeline.png]`: a long recording as speech segments (energy voice-activity
/// detection, segments of at most --max-seconds), each with its emotion, printed as they close; memory does not grow
/// with the length of the file.
/// </summary>
internal static class SegmentsCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "WAV file (any length)" };
        var model = new Option<string?>("--model", "-m")
        {
            Description = "Model file (default: models/default.ser of this repository, else the built-in copy)",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per segment on stdout" };
        var png = new Option<string?>("--png")
        {
            Description = "Also draw the level over time with the segments coloured by emotion",
        };
        var maxSeconds = new Option<double>("--max-seconds")
        {
            Description = "Longest segment (s)",
            DefaultValueFactory = _ => 10,
        };
        var device = DeviceOption.Create();
        var command = new Command("segments", "Split a recording into speech segments and recognise each")
        {
            file,
            model,
            json,
            png,
            maxSeconds,
            device,
        };
        command.SetAction(r =>
            CliRunner.Run(() =>
                Run(
                    r.GetValue(file)!,
                    r.GetValue(model) ?? ModelPaths.Default(),
                    r.GetValue(json),
                    r.GetValue(png),
                    r.GetValue(maxSeconds),
                    r.GetValue(device)!
                )
            )
        );
        return command;
    }

    private static int Run(string file, string? modelPath, bool json, string? png, double maxSeconds, string device)
    {
        using var recognizer = RecognizerFactory.Open(modelPath, device);
        var output = new ResultPrinter(recognizer, modelPath, json);
        var options = new SegmentOptions { MaxSegmentSeconds = maxSeconds };
        var segments = new List<EmotionSegment>();
        try
        {
            var all = recognizer.RecognizeSegmentsAsync(file, options).ToBlockingEnumerable();
            foreach (var segment in all)
            {
                output.Segment(segment);
                if (png is not null)
                    segments.Add(segment);
            }
        }
        catch (AudioFormatException e)
        {
            output.Error(file, e.Reason);
            return 1;
        }
        if (png is not null)
            TimelinePlot.Save(file, segments, recognizer.Labels, png);
        return 0;
    }
}
