using System.Text.Json.Nodes;
using Spectre.Console;
using SpeechEmotion.Audio;

namespace SpeechEmotion.Cli.Commands;

/// <summary>
/// Prints recognition results, one line each, as they come: text (names escaped, so control characters in a file
/// name cannot reach the terminal) or one JSON object per line, which names the model.
/// </summary>
internal sealed class ResultPrinter
{
    private readonly EmotionRecognizer _recognizer;
    private readonly bool _json;

    public ResultPrinter(EmotionRecognizer recognizer, string? modelPath, bool json)
    {
        _recognizer = recognizer;
        _json = json;
        (string name, string path) = (
            recognizer.ModelName,
            modelPath is null ? "built in" : Printable.Escape(modelPath)
        );
        if (!json)
            AnsiConsole.MarkupLineInterpolated($"[grey]model {name} ({path}), {recognizer.Device}[/]");
    }

    public void Error(string path, string reason)
    {
        if (_json)
            Console.WriteLine(
                new JsonObject
                {
                    ["path"] = path,
                    ["model"] = _recognizer.ModelName,
                    ["error"] = reason,
                }.ToJsonString()
            );
        else
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {Printable.Escape(path)}: {Printable.Escape(reason)}");
    }

    public void Result(string path, EmotionResult result) =>
        Line(new JsonObject { ["path"] = path }, Printable.Escape(path), result);

    public void Segment(EmotionSegment segment) =>
        Line(
            new JsonObject
            {
                ["start"] = Math.Round(segment.Start.TotalSeconds, 3),
                ["end"] = Math.Round(segment.End.TotalSeconds, 3),
            },
            $"{segment.Start.TotalSeconds, 8:F2}–{segment.End.TotalSeconds, 8:F2} s",
            segment.Result
        );

    private void Line(JsonObject head, string label, EmotionResult result)
    {
        if (_json)
        {
            head["model"] = result.ModelName;
            if (result.Score is { } score)
                head["score"] = Math.Round(score, 6);
            else
            {
                head["emotion"] = result.Label;
                var p = new JsonObject();
                foreach (var (name, value) in result.Probabilities)
                    p[name] = Math.Round(value, 6);
                head["probabilities"] = p;
            }
            head["duration"] = Math.Round(result.Duration.TotalSeconds, 3);
            if (result.Windows > 1)
                head["windows"] = result.Windows;
            Console.WriteLine(head.ToJsonString());
        }
        else if (result.Score is { } score)
        {
            AnsiConsole.MarkupLineInterpolated($"{label}: score [bold]{score:F3}[/]");
        }
        else
        {
            var ranked = result.Probabilities.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value:P1}");
            string windows = result.Windows > 1 ? $" [{result.Windows} windows]" : "";
            string all = string.Join(", ", ranked);
            AnsiConsole.MarkupLineInterpolated($"{label}: [bold]{result.Label}[/] ({all}){windows}");
        }
    }
}
