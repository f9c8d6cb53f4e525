using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Results;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>
/// Throughput against CPU cost: one point per CNI (and variant) and stream count, throughput on x and host
/// cores per Gbit/s on y, so "fast but expensive" and "cheap but slow" datapaths separate at a glance. A point
/// low and to the right is best. Cross-node only: that is where the datapaths differ.
/// </summary>
public static class ThroughputCpuChart
{
    /// <summary>One point: a CNI's medians for one (test, variant) pair.</summary>
    public sealed record Point(string Cni, string Variant, double ThroughputGbps, double CoresPerGbps);

    /// <summary>The points of <paramref name="test"/>, cross-node, for every (cni, variant) with both medians.</summary>
    public static IReadOnlyList<Point> Points(IReadOnlyList<SummaryRow> rows, string test)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var crossNode = rows.Where(r => r.Test == test && r.Topology == Topologies.CrossNode && r.Median is not null).ToList();
        return
        [
            .. crossNode
                .Where(r => r.Metric == Metrics.ThroughputBps)
                .Select(t => (t, cost: crossNode.FirstOrDefault(c => c.Metric == Metrics.DatapathCpuCoresPerGbps && c.Cni == t.Cni && c.Variant == t.Variant)))
                .Where(p => p.cost is not null)
                .Select(p => new Point(p.t.Cni, p.t.Variant, p.t.Median!.Value / 1e9, p.cost!.Median!.Value))
                .OrderBy(p => p.Cni, StringComparer.Ordinal)
                .ThenBy(p => p.Variant, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// Writes <c>&lt;test&gt;-&lt;variant&gt;-throughput-vs-cpu.png|svg</c> for tcp and udp (one chart per variant, so a
    /// point is one datapath) when they have cost figures; returns the paths.
    /// </summary>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SummaryRow> rows, string chartsDir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(chartsDir);
        var cniOrder = ChartModelBuilder.CniOrder(rows);
        var written = new List<string>();
        foreach (var test in new[] { "tcp", "udp" })
        {
            foreach (var variant in Points(rows, test).GroupBy(p => p.Variant, StringComparer.Ordinal))
            {
                var plot = Draw(test, variant.Key, [.. variant], cniOrder);
                var stem = Path.Join(chartsDir, $"{test}-{variant.Key}-throughput-vs-cpu");
                plot.SavePng(stem + ".png", ChartRenderer.Width, ChartRenderer.Height);
                plot.SaveSvg(stem + ".svg", ChartRenderer.Width, ChartRenderer.Height);
                written.Add(stem + ".png");
                written.Add(stem + ".svg");
            }
        }

        return written;
    }

    /// <summary>Ticks at 1, 2 and 5 of every decade the data spans, for an axis that carries log10 values.</summary>
    internal static Tick[] LogTicks(double minLog, double maxLog)
    {
        var ticks = new List<Tick>();
        for (var decade = (int)Math.Floor(minLog) - 1; decade <= (int)Math.Ceiling(maxLog); decade++)
        {
            foreach (var step in new[] { 1, 2, 5 })
            {
                var value = step * Math.Pow(10, decade);
                var log = Math.Log10(value);
                if (log >= minLog - 0.15 && log <= maxLog + 0.15)
                {
                    ticks.Add(new Tick(log, value.ToString("0.###", CultureInfo.InvariantCulture)));
                }
            }
        }

        return [.. ticks];
    }

    // Both axes are logarithmic: encrypted userspace datapaths sit an order of magnitude away from the kernel
    // ones on both, and on linear axes the kernel datapaths collapse into one unreadable corner.
    private static Plot Draw(string test, string variant, IReadOnlyList<Point> points, IReadOnlyList<string> cniOrder)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        var xs = points.Select(p => Math.Log10(p.ThroughputGbps)).ToList();
        var ys = points.Select(p => Math.Log10(p.CoresPerGbps)).ToList();
        var (xMin, xMax, yMin, yMax) = (xs.Min() - 0.15, xs.Max() + 0.35, ys.Min() - 0.2, ys.Max() + 0.2);

        // Datapaths with near-equal figures would print their names over each other: each label takes the first
        // free line below its point, judged in pixels (a label is about 110 px wide and 15 px tall).
        var xPerPixel = (xMax - xMin) / (ChartRenderer.Width * 0.75);
        var yPerPixel = (yMax - yMin) / (ChartRenderer.Height * 0.8);
        var labels = new List<(double X, double Y)>();
        foreach (var point in points.OrderByDescending(p => p.CoresPerGbps))
        {
            var color = point.Cni == Underlay.Name ? Colors.Black : ChartRenderer.ColorOf(point.Cni, cniOrder);
            var (x, y) = (Math.Log10(point.ThroughputGbps), Math.Log10(point.CoresPerGbps));
            var marker = plot.Add.Marker(x, y);
            marker.Color = color;
            marker.Size = 12;
            marker.LegendText = point.Cni;

            var line = 0;
            while (labels.Exists(l => Math.Abs(l.X - x) < 110 * xPerPixel && Math.Abs(l.Y - (y - (line * 15 * yPerPixel))) < 14 * yPerPixel))
            {
                line++;
            }

            labels.Add((x, y - (line * 15 * yPerPixel)));
            var label = plot.Add.Text(point.Cni, x, y);
            label.LabelFontSize = 12;
            label.LabelFontColor = color;
            label.LabelOffsetX = 9;
            label.LabelOffsetY = -7 + (15 * line);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(LogTicks(xs.Min(), xs.Max()));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(LogTicks(ys.Min(), ys.Max()));
        // Stacked labels may run below the lowest point: keep them inside the frame.
        plot.Axes.SetLimits(xMin, xMax, Math.Min(yMin, labels.Min(l => l.Y) - (22 * yPerPixel)), yMax);
        plot.Title($"{test} {variant}: throughput against host CPU cost (cross-node; lower right is better)", 17);
        plot.XLabel("throughput (Gbit/s, median, log scale)", 15);
        plot.YLabel("host CPU (cores per Gbit/s, median, log scale)", 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 13;
        return plot;
    }
}
