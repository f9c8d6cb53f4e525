using CniBench.Core.Measurements;
using CniBench.Results;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>The policy heatmap: one column per CNI, one row per case, green pass and red fail.</summary>
public static class ConformanceChart
{

    private static readonly Color Pass = Color.FromHex("#2ca02c");
    private static readonly Color Fail = Color.FromHex("#d62728");
    private static readonly Color Missing = Color.FromHex("#bbbbbb");

    /// <summary>Writes <c>netpol-conformance.png|svg</c> when the summary has policy cases; returns the paths.</summary>
    public static IReadOnlyList<string> Render(IReadOnlyList<SummaryRow> rows, string chartsDir)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cases = rows.Where(r => r.Metric == Metrics.CasePass).ToList();
        if (cases.Count == 0)
        {
            return [];
        }

        var cnis = cases.Select(r => r.Cni).Distinct().Order(StringComparer.Ordinal).ToList();
        var names = cases.Select(r => r.Variant).Distinct().Order(StringComparer.Ordinal).ToList();
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        for (var x = 0; x < cnis.Count; x++)
        {
            for (var y = 0; y < names.Count; y++)
            {
                var row = cases.FirstOrDefault(r => r.Cni == cnis[x] && r.Variant == names[y]);
                var cell = plot.Add.Rectangle(x + 0.05, x + 0.95, names.Count - y - 0.95, names.Count - y - 0.05);
                cell.FillColor = row switch
                {
                    { N: > 0, Min: >= 1 } => Pass,
                    { N: > 0 } => Fail,
                    _ => Missing,
                };
                cell.LineWidth = 0;
            }
        }

        plot.Axes.Bottom.SetTicks([.. cnis.Select((_, i) => i + 0.5)], [.. cnis]);
        plot.Axes.Left.SetTicks([.. names.Select((_, i) => names.Count - i - 0.5)], [.. names]);
        plot.Axes.Left.TickLabelStyle.FontSize = 11;
        plot.Axes.SetLimits(0, cnis.Count, 0, names.Count);
        plot.Title("Policy conformance (green pass, red fail, grey none)");
        plot.Grid.IsVisible = false;
        plot.Legend.IsVisible = false;

        Directory.CreateDirectory(chartsDir);
        var height = Math.Max(400, 60 + (22 * names.Count));
        var width = Math.Max(640, 320 + (140 * cnis.Count));
        var png = Path.Join(chartsDir, "netpol-conformance.png");
        var svg = Path.Join(chartsDir, "netpol-conformance.svg");
        plot.SavePng(png, width, height);
        plot.SaveSvg(svg, width, height);
        return [png, svg];
    }
}
