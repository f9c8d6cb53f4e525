using CniBench.Results.History;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>A trend chart of one series over runs: median per run, 95 % interval bars, the run where a regression started.</summary>
public static class HistoryChart
{
    private static readonly Color SeriesColor = Color.FromHex("#1f77b4");
    private static readonly Color RegressionColor = Color.FromHex("#d62728");

    /// <summary>Writes <c>&lt;stem&gt;.png</c> and <c>&lt;stem&gt;.svg</c> into <paramref name="directory"/>.</summary>
    /// <returns>The full paths written.</returns>
    public static IReadOnlyList<string> Render(HistorySeries series, string directory)
    {
        ArgumentNullException.ThrowIfNull(series);
        Directory.CreateDirectory(directory);
        var plot = Draw(series);
        var png = Path.Join(directory, series.ChartFileStem + ".png");
        var svg = Path.Join(directory, series.ChartFileStem + ".svg");
        plot.SavePng(png, ChartRenderer.Width, ChartRenderer.Height);
        plot.SaveSvg(svg, ChartRenderer.Width, ChartRenderer.Height);
        return [png, svg];
    }

    private static Plot Draw(HistorySeries series)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        var withMedian = series.Points.Where(p => p.Median is not null).ToList();
        var xs = withMedian.Select(p => p.StartedAt.UtcDateTime.ToOADate()).ToArray();
        var ys = withMedian.Select(p => p.Median!.Value).ToArray();
        var scale = Scale(series.Unit, ys);

        var line = plot.Add.Scatter(xs, ys.Select(y => y / scale.Divisor).ToArray());
        line.Color = SeriesColor;
        line.LineWidth = 2;
        line.MarkerSize = 8;
        line.LegendText = "median per run";

        var intervals = withMedian.Where(p => p.Ci95Low is not null && p.Ci95High is not null).ToList();
        if (intervals.Count > 0)
        {
            var errors = plot.Add.ErrorBar(
                intervals.Select(p => p.StartedAt.UtcDateTime.ToOADate()).ToArray(),
                intervals.Select(p => (p.Ci95Low!.Value + p.Ci95High!.Value) / 2 / scale.Divisor).ToArray(),
                intervals.Select(p => (p.Ci95High!.Value - p.Ci95Low!.Value) / 2 / scale.Divisor).ToArray());
            errors.Color = Colors.Black;
            errors.CapSize = 6;
            errors.LegendText = "95% CI of the mean";
        }

        if (series.Regression is { } regression)
        {
            var marker = plot.Add.VerticalLine(regression.StartedAt.UtcDateTime.ToOADate(), 2, RegressionColor);
            marker.LinePattern = LinePattern.Dashed;
            marker.LegendText = $"regression from {regression.RunId}";
        }

        plot.Axes.DateTimeTicksBottom();
        if (xs.Length == 1)
        {
            // One run: a day either side, so the date axis has a span to draw.
            plot.Axes.SetLimitsX(xs[0] - 1, xs[0] + 1);
        }

        var top = withMedian.Select(p => Math.Max(p.Median!.Value, p.Ci95High ?? 0)).DefaultIfEmpty(1).Max() / scale.Divisor;
        plot.Axes.SetLimitsY(0, top > 0 ? top * 1.15 : 1);
        plot.Title($"{series.Key.Cni} · {series.Key.Test} {series.Key.Variant} {series.Key.Topology} · {series.Key.Metric}", 16);
        plot.YLabel(scale.Label, 14);
        plot.XLabel("run start (UTC)", 14);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static (double Divisor, string Label) Scale(string unit, double[] values)
    {
        if (unit == CniBench.Core.Measurements.Metrics.BitsPerSecond)
        {
            return values.DefaultIfEmpty(0).Max() >= 1e9 ? (1e9, "Gbit/s") : (1e6, "Mbit/s");
        }

        return (1, unit.Length > 0 ? unit : "value");
    }
}
