using ScottPlot;
using SpeechEmotion.Audio;

namespace SpeechEmotion.Cli;

/// <summary>`ser segments --png`: the recording's level over time with each speech segment shaded in its emotion's
/// colour.</summary>
internal static class TimelinePlot
{
    /// <summary>Level in dBFS per 100 ms of a WAV file, read a second at a time.</summary>
    public static (double[] Seconds, double[] Db) Levels(string wavPath)
    {
        const int step = WavReader.TargetSampleRate / 10;
        var seconds = new List<double>();
        var db = new List<double>();
        using var reader = Mono16kReader.Open(wavPath);
        var block = new float[step];
        int n;
        while ((n = reader.Read(block)) > 0)
        {
            double energy = 0;
            for (int i = 0; i < n; i++)
                energy += (double)block[i] * block[i];
            seconds.Add((seconds.Count + 0.5) * 0.1);
            db.Add(Math.Max(-90, 10 * Math.Log10(energy / n + 1e-12)));
        }
        return (seconds.ToArray(), db.ToArray());
    }

    public static void Save(
        string wavPath,
        IReadOnlyList<EmotionSegment> segments,
        IReadOnlyList<string> labels,
        string pngPath
    )
    {
        var (seconds, db) = Levels(wavPath);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var colours = labels.Select((l, i) => (l, palette.GetColor(i))).ToDictionary(x => x.l, x => x.Item2);
        foreach (var segment in segments)
        {
            var span = plot.Add.HorizontalSpan(segment.Start.TotalSeconds, segment.End.TotalSeconds);
            span.FillStyle.Color = colours.GetValueOrDefault(segment.Label, Colors.Gray).WithAlpha(0.45);
            span.LineStyle.Width = 0;
        }
        var level = plot.Add.ScatterLine(seconds, db);
        level.Color = Colors.Black;
        level.LineWidth = 1;
        foreach (var label in labels.Where(l => segments.Any(s => s.Label == l)))
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = colours[label] });
        plot.Legend.IsVisible = segments.Count > 0;
        plot.Title($"{Path.GetFileName(wavPath)}: {segments.Count} speech segments");
        plot.XLabel("time (s)");
        plot.YLabel("level (dBFS, 100 ms)");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pngPath))!);
        plot.SavePng(pngPath, 1400, 420);
    }
}
