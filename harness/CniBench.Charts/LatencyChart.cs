using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Results;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>
/// HTTP latency percentiles (p50 … p99.9) on a log axis: one chart per http variant, one line per CNI and
/// topology (colour = CNI, marker = topology), each point the median over repetitions.
/// </summary>
public static class LatencyChart
{
    public const string Test = "http";

    private static readonly (string Metric, string Label)[] Percentiles =
    [
        (Metrics.LatencyP50Ms, "p50"),
        (Metrics.LatencyP90Ms, "p90"),
        (Metrics.LatencyP99Ms, "p99"),
        (Metrics.LatencyP999Ms, "p99.9"),
    ];

    /// <summary>Room above and below the data on the log axis, in decades.</summary>
    private const double AxisMargin = 0.3;

    private static readonly Color UnderlayColor = Color.FromHex("#333333");

    /// <summary>Writes <c>http-latency-&lt;variant&gt;.png|svg</c> for every http variant with latency figures; returns the paths.</summary>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SummaryRow> rows, string chartsDir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var latency = rows.Where(r => r.Test == Test && r.HasValues && r.Median is > 0 && Percentiles.Any(p => p.Metric == r.Metric)).ToList();
        if (latency.Count == 0)
        {
            return [];
        }

        var cniOrder = ChartModelBuilder.CniOrder(rows);
        Directory.CreateDirectory(chartsDir);
        var written = new List<string>();
        foreach (var variant in latency.Select(r => r.Variant).Distinct(StringComparer.Ordinal))
        {
            var plot = Draw(variant, [.. latency.Where(r => r.Variant == variant)], cniOrder);
            var stem = Path.Join(chartsDir, $"http-latency-{variant}");
            plot.SavePng(stem + ".png", ChartRenderer.Width, ChartRenderer.Height);
            plot.SaveSvg(stem + ".svg", ChartRenderer.Width, ChartRenderer.Height);
            written.Add(stem + ".png");
            written.Add(stem + ".svg");
        }

        return written;
    }

    /// <summary>One line's points: log10 of the median latency in ms at each percentile it has.</summary>
    internal static IReadOnlyList<(int Index, double Log10Ms)> Points(IReadOnlyList<SummaryRow> rows, string cni, string topology) =>
    [
        .. Percentiles
            .Select((p, i) => (i, rows.FirstOrDefault(r => r.Cni == cni && r.Topology == topology && r.Metric == p.Metric)))
            .Where(x => x.Item2?.Median is > 0)
            .Select(x => (x.i, Math.Log10(x.Item2!.Median!.Value))),
    ];

    /// <summary>Ticks at 1, 2 and 5 of each decade that the data spans, labelled in ms.</summary>
    internal static IReadOnlyList<Tick> LogTicks(double minLog, double maxLog)
    {
        var ticks = new List<Tick>();
        for (var decade = (int)Math.Floor(minLog); decade <= (int)Math.Ceiling(maxLog); decade++)
        {
            foreach (var step in new[] { 1, 2, 5 })
            {
                var value = step * Math.Pow(10, decade);
                var log = Math.Log10(value);
                if (log >= minLog - AxisMargin && log <= maxLog + AxisMargin)
                {
                    ticks.Add(new Tick(log, value.ToString("0.###", CultureInfo.InvariantCulture) + " ms"));
                }
            }
        }

        return ticks;
    }

    private static Plot Draw(string variant, IReadOnlyList<SummaryRow> rows, IReadOnlyList<string> cniOrder)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        var topologies = rows.Select(r => r.Topology).Distinct(StringComparer.Ordinal).OrderBy(t => Topologies.All.ToList().IndexOf(t)).ToList();
        // Topology by marker shape, not by dash pattern: Skia's SVG backend cannot write dashes and says so once per line.
        MarkerShape[] shapes = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp];
        var cnis = rows.Select(r => r.Cni).Distinct(StringComparer.Ordinal)
            .OrderBy(c => c == Underlay.Name ? int.MaxValue : cniOrder.ToList().IndexOf(c)).ToList();
        var logs = new List<double>();
        foreach (var cni in cnis)
        {
            for (var t = 0; t < topologies.Count; t++)
            {
                var points = Points(rows, cni, topologies[t]);
                if (points.Count == 0)
                {
                    continue;
                }

                var line = plot.Add.Scatter(points.Select(p => (double)p.Index).ToArray(), points.Select(p => p.Log10Ms).ToArray());
                line.Color = cni == Underlay.Name ? UnderlayColor : ChartRenderer.ColorOf(cni, cniOrder);
                line.LineWidth = 2.5f;
                line.MarkerSize = 9;
                line.MarkerShape = shapes[Math.Min(t, shapes.Length - 1)];
                line.LegendText = $"{cni} {topologies[t]}";
                logs.AddRange(points.Select(p => p.Log10Ms));
            }
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Percentiles.Select((p, i) => new Tick(i, p.Label))]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. LogTicks(logs.Min(), logs.Max())]);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Axes.SetLimitsX(-0.3, Percentiles.Length - 0.7);
        plot.Axes.SetLimitsY(logs.Min() - AxisMargin, logs.Max() + AxisMargin);
        var n = rows.Select(r => r.N).Distinct().Order().ToList();
        plot.Title($"HTTP latency {variant} (wrk → nginx), median of n={(n.Count == 1 ? n[0].ToString(CultureInfo.InvariantCulture) : $"{n[0]}–{n[^1]}")}", 17);
        plot.YLabel("Latency (ms, log scale)", 15);
        plot.XLabel("Percentile", 15);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 13;
        return plot;
    }
}
