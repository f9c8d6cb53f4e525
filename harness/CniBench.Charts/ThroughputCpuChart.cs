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
                .Select(t => (t, cost: crossNode.FirstOrDefault(c => c.Metric == Metrics.HostCpuCoresPerGbps && c.Cni == t.Cni && c.Variant == t.Variant)))
                .Where(p => p.cost is not null)
                .Select(p => new Point(p.t.Cni, p.t.Variant, p.t.Median!.Value / 1e9, p.cost!.Median!.Value))
                .OrderBy(p => p.Cni, StringComparer.Ordinal)
                .ThenBy(p => p.Variant, StringComparer.Ordinal),
        ];
    }

    /// <summary>Writes <c>&lt;test&gt;-throughput-vs-cpu.png|svg</c> for tcp and udp when they have cost figures; returns the paths.</summary>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SummaryRow> rows, string chartsDir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(chartsDir);
        var cniOrder = ChartModelBuilder.CniOrder(rows);
        var written = new List<string>();
        foreach (var test in new[] { "tcp", "udp" })
        {
            var points = Points(rows, test);
            if (points.Count == 0)
            {
                continue;
            }

            var plot = Draw(test, points, cniOrder);
            var stem = Path.Join(chartsDir, $"{test}-throughput-vs-cpu");
            plot.SavePng(stem + ".png", ChartRenderer.Width, ChartRenderer.Height);
            plot.SaveSvg(stem + ".svg", ChartRenderer.Width, ChartRenderer.Height);
            written.Add(stem + ".png");
            written.Add(stem + ".svg");
        }

        return written;
    }

    private static Plot Draw(string test, IReadOnlyList<Point> points, IReadOnlyList<string> cniOrder)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        var shapes = new[] { MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond };
        var variants = points.Select(p => p.Variant).Distinct(StringComparer.Ordinal).ToList();
        foreach (var cni in points.Select(p => p.Cni).Distinct(StringComparer.Ordinal))
        {
            var color = ChartRenderer.ColorOf(cni, cniOrder);
            var mine = points.Where(p => p.Cni == cni).ToList();
            foreach (var point in mine)
            {
                var marker = plot.Add.Marker(point.ThroughputGbps, point.CoresPerGbps);
                marker.Color = color;
                marker.Size = 13;
                marker.Shape = shapes[variants.IndexOf(point.Variant) % shapes.Length];
                var label = plot.Add.Text(point.Variant == variants[0] ? cni : $"{cni} ({point.Variant})", point.ThroughputGbps, point.CoresPerGbps);
                label.LabelFontSize = 12;
                label.LabelFontColor = color;
                label.LabelOffsetX = 9;
                label.LabelOffsetY = -7;
            }
        }

        // Variants (stream counts, bitrates) are told apart by marker shape; one legend entry each.
        for (var i = 0; i < variants.Count; i++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = variants[i], MarkerShape = shapes[i % shapes.Length], MarkerSize = 11, MarkerFillColor = Colors.Gray, MarkerLineColor = Colors.Gray });
        }

        plot.Title($"{test}: throughput against host CPU cost (cross-node; lower right is better)", 17);
        plot.XLabel("throughput (Gbit/s, median)", 15);
        plot.YLabel("host CPU (cores per Gbit/s, median)", 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        var maxX = points.Max(p => p.ThroughputGbps);
        var maxY = points.Max(p => p.CoresPerGbps);
        plot.Axes.SetLimits(0, Math.Max(maxX, 0.001) * 1.25, 0, Math.Max(maxY, 0.001) * 1.2);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 14;
        return plot;
    }
}
