using ScottPlot;

namespace SpeechEmotion.Cli;

/// <summary>PNG pictures written by the CLI (ScottPlot).</summary>
internal static class Plots
{
    /// <summary>Heatmap with time (s) across and frequency (Hz) up.</summary>
    public static void SpectrogramPng(float[] spec, int frames, int bins, string path, string title)
    {
        var grid = new double[bins, frames];
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < bins; b++) grid[bins - 1 - b, f] = spec[f * bins + b];
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(0, frames * 0.01, 0, bins * 10);
        plot.Add.ColorBar(heatmap).Label = "log power";
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("frequency (Hz)");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 1000, 500);
    }
}
