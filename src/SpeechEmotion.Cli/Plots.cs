using ScottPlot;
using SpeechEmotion.Features;

namespace SpeechEmotion.Cli;

/// <summary>PNG pictures written by the CLI (ScottPlot).</summary>
internal static class Plots
{
    /// <summary>The panels <see cref="SpectrogramPng"/> draws for a front end, top to bottom: the bands, then the pitch
    /// track, then Δ and ΔΔ of the bands, each on its own scale (one colour scale over all 198 rows hid the
    /// deltas and made pitch a thin line).</summary>
    public static IReadOnlyList<string> SpectrogramPanels(FrontEnd frontEnd) =>
        [
            frontEnd.Kind == FeatureKind.Mel ? "log-mel energy" : "log power",
            .. frontEnd.Pitch ? new[] { "pitch" } : [],
            .. frontEnd.Deltas ? new[] { "Δ (first derivative)", "ΔΔ (second derivative)" } : [],
        ];

    /// <summary>The features of one file, time (s) across: heatmaps with frequency up, and log F0 with periodicity as
    /// lines.</summary>
    public static void SpectrogramPng(float[] spec, int frames, FrontEnd frontEnd, string path, string title)
    {
        bool mel = frontEnd.Kind == FeatureKind.Mel;
        int width = frontEnd.Width,
            bands = frontEnd.Bands;
        var panels = SpectrogramPanels(frontEnd);
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Count);
        for (int i = 0; i < panels.Count; i++)
        {
            var plot = multiplot.GetPlot(i);
            plot.Title(i == 0 ? $"{title}: {panels[i]}" : panels[i]);
            plot.XLabel("time (s)");
            if (panels[i] == "pitch")
            {
                var time = Enumerable.Range(0, frames).Select(f => f * 0.01).ToArray();
                var f0 = plot.Add.Scatter(time, Column(spec, frames, width, bands));
                f0.LegendText = "log F0";
                f0.MarkerSize = 0;
                var periodicity = plot.Add.Scatter(time, Column(spec, frames, width, bands + 1));
                periodicity.LegendText = "periodicity";
                periodicity.MarkerSize = 0;
                periodicity.Axes.YAxis = plot.Axes.Right;
                plot.YLabel("log F0");
                plot.Axes.Right.Label.Text = "periodicity";
                plot.ShowLegend(Edge.Right);
                continue;
            }
            // The bands of the base rows, or of the Δ or ΔΔ block after them.
            int offset =
                panels[i].StartsWith("ΔΔ") ? 2 * frontEnd.BaseWidth
                : panels[i].StartsWith('Δ') ? frontEnd.BaseWidth
                : 0;
            var grid = new double[bands, frames];
            for (int f = 0; f < frames; f++)
            for (int b = 0; b < bands; b++)
                grid[bands - 1 - b, f] = spec[f * width + offset + b];
            var heatmap = plot.Add.Heatmap(grid);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.Extent = new CoordinateRect(0, frames * 0.01, 0, mel ? bands : bands * 10);
            plot.Add.ColorBar(heatmap);
            plot.YLabel(mel ? "mel band" : "frequency (Hz)");
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        multiplot.SavePng(path, 1000, 320 * panels.Count);
    }

    private static double[] Column(float[] spec, int frames, int width, int column) =>
        [.. Enumerable.Range(0, frames).Select(f => (double)spec[f * width + column])];

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

    /// <summary>Training loss (left axis) and validation UA (right axis, when the folds have validation speakers)
    /// per epoch: the mean over the folds with a marker per epoch (so one epoch still shows) and, with several folds,
    /// a band from the lowest to the highest fold.</summary>
    public static void CurvesPng(
        IReadOnlyList<(string Name, IReadOnlyList<SpeechEmotion.Training.EpochRecord> History)> runs,
        string path
    )
    {
        var plot = new Plot();
        void Curve(Func<SpeechEmotion.Training.EpochRecord, double?> value, Color color, bool right, string legend)
        {
            var epochs = runs.SelectMany(r => r.History)
                .Where(h => value(h) is not null)
                .GroupBy(h => h.Epoch)
                .OrderBy(g => g.Key)
                .Select(g => (Epoch: (double)g.Key, Values: g.Select(h => value(h)!.Value).ToList()))
                .ToList();
            if (epochs.Count == 0)
                return;
            double[] xs = [.. epochs.Select(e => e.Epoch)];
            if (runs.Count > 1)
            {
                var band = plot.Add.FillY(
                    xs,
                    [.. epochs.Select(e => e.Values.Min())],
                    [.. epochs.Select(e => e.Values.Max())]
                );
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
                if (right)
                    band.Axes.YAxis = plot.Axes.Right;
            }
            var mean = plot.Add.Scatter(xs, [.. epochs.Select(e => e.Values.Average())]);
            mean.Color = color;
            mean.LineWidth = 3;
            mean.MarkerSize = 7;
            mean.LinePattern = right ? LinePattern.Dashed : LinePattern.Solid;
            mean.LegendText =
                runs.Count > 1 ? $"{legend} (mean of {runs.Count} folds; band: lowest to highest)" : legend;
            if (right)
                mean.Axes.YAxis = plot.Axes.Right;
        }
        Curve(h => h.TrainLoss, Colors.C0, false, "training loss");
        Curve(h => h.ValidationScore * 100, Colors.C1, true, "validation UA");
        if (runs.Any(r => r.History.Any(h => h.ValidationScore is not null)))
            plot.Axes.Right.Label.Text = "validation UA (%)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.XLabel("epoch");
        plot.YLabel("training loss");
        plot.ShowLegend(Edge.Bottom);
        Save(plot, path, 1100, 600);
    }

    /// <summary>One bar per setting (the paper's Fig. 4), its value written above it and a whisker of the given
    /// half-width (the sweep: the 95 % interval of the mean over the folds).</summary>
    public static void BarsPng(
        IReadOnlyList<(string Name, double Value, double Error)> bars,
        string yLabel,
        string path
    )
    {
        var plot = new Plot();
        var series = plot.Add.Bars(
            bars.Select(
                    (b, i) =>
                        new Bar
                        {
                            Position = i,
                            Value = b.Value,
                            Error = b.Error,
                            Label = b.Value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
                        }
                )
                .ToList()
        );
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select((b, i) => new Tick(i, b.Name)).ToArray()
        );
        plot.Axes.Margins(bottom: 0);
        plot.YLabel(yLabel);
        plot.Title("bars: pooled UA; whiskers: 95 % interval of the mean per-fold UA (t, folds − 1)");
        Save(plot, path, 800, 500);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
    }
}
