using ScottPlot;

namespace SpeechEmotion.Cli;

/// <summary>PNG pictures written by the CLI (ScottPlot).</summary>
internal static class Plots
{
    /// <summary>Heatmap with time (s) across and frequency (Hz) up.</summary>
    public static void SpectrogramPng(float[] spec, int frames, int bins, string path, string title, bool mel = false)
    {
        var grid = new double[bins, frames];
        for (int f = 0; f < frames; f++)
        for (int b = 0; b < bins; b++)
            grid[bins - 1 - b, f] = spec[f * bins + b];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(0, frames * 0.01, 0, mel ? bins : bins * 10);
        plot.Add.ColorBar(heatmap).Label = "log power";
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel(mel ? "mel band" : "frequency (Hz)");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1000, 500);
    }

    /// <summary>Confusion matrix: colour = share of the true class (row-normalised), text = count and
    /// percentage.</summary>
    public static void ConfusionPng(IReadOnlyList<string> labels, int[][] confusion, string path, string title)
    {
        int n = labels.Count;
        var grid = new double[n, n];
        var plot = new Plot();
        for (int t = 0; t < n; t++)
        {
            int total = Math.Max(1, confusion[t].Sum());
            for (int p = 0; p < n; p++)
            {
                grid[t, p] = (double)confusion[t][p] / total;
                var text = plot.Add.Text($"{confusion[t][p]}\n{100.0 * confusion[t][p] / total:F0}%", p, n - 1 - t);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = grid[t, p] > 0.5 ? Colors.Black : Colors.White;
            }
        }
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.MoveToBack(heatmap);
        plot.Add.ColorBar(heatmap).Label = "share of true class";
        var ticks = labels.Select((l, i) => new Tick(i, l)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            labels.Select((l, i) => new Tick(n - 1 - i, l)).ToArray()
        );
        plot.Title(title);
        plot.XLabel("predicted");
        plot.YLabel("true");
        Save(plot, path, 800, 700);
    }

    /// <summary>Training loss (left axis) and validation UA (right axis) per epoch, one line per fold.</summary>
    public static void CurvesPng(
        IReadOnlyList<(string Name, IReadOnlyList<SpeechEmotion.Training.EpochRecord> History)> runs,
        string path
    )
    {
        var plot = new Plot();
        foreach (var (name, history) in runs)
        {
            var loss = plot.Add.Scatter(
                history.Select(h => (double)h.Epoch).ToArray(),
                history.Select(h => h.TrainLoss).ToArray()
            );
            loss.LegendText = $"{name} loss";
            loss.MarkerSize = 0;
            var withUa = history.Where(h => h.ValidationScore is not null).ToList();
            if (withUa.Count == 0)
                continue;
            var ua = plot.Add.Scatter(
                withUa.Select(h => (double)h.Epoch).ToArray(),
                withUa.Select(h => 100 * h.ValidationScore!.Value).ToArray()
            );
            ua.LegendText = $"{name} validation UA";
            ua.LinePattern = LinePattern.Dashed;
            ua.MarkerSize = 0;
            ua.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "validation UA (%)";
        }
        plot.XLabel("epoch");
        plot.YLabel("training loss");
        plot.ShowLegend(Edge.Right);
        Save(plot, path, 1100, 600);
    }

    /// <summary>One bar per setting (the paper's Fig. 4).</summary>
    public static void BarsPng(IReadOnlyList<(string Name, double Value)> bars, string yLabel, string path)
    {
        var plot = new Plot();
        plot.Add.Bars(bars.Select(b => b.Value).ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select((b, i) => new Tick(i, b.Name)).ToArray()
        );
        plot.Axes.Margins(bottom: 0);
        plot.YLabel(yLabel);
        Save(plot, path, 800, 500);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
