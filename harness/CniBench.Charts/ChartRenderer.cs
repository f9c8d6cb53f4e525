using CniBench.Core.Measurements;
using CniBench.Results;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>Renders summary rows as PNG and SVG bar charts, one per test and charted metric.</summary>
public static class ChartRenderer
{
    public const int Width = 1100;
    public const int Height = 620;

    private const double BarWidth = 0.8;
    private const double GroupGap = 1.0;

    private static readonly Color UnderlayColor = Color.FromHex("#333333");
    private static readonly Color[] CniColors = new ScottPlot.Palettes.Category10().Colors;

    // ScottPlot's own default resolves to a serif face on a bare Debian; a sans face reads better at small sizes.
    internal static readonly Lazy<string> SansFont = new(() =>
        new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" }.FirstOrDefault(IsInstalled) ?? Fonts.Sans);

    /// <summary>Writes <c>&lt;test&gt;-throughput.png|svg</c> and <c>&lt;test&gt;-cpu.png|svg</c> for every test with data.</summary>
    /// <param name="metrics">The declarations the axes are titled from.</param>
    /// <returns>The full paths written.</returns>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SummaryRow> rows, string chartsDir, MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(chartsDir);
        var cniOrder = ChartModelBuilder.CniOrder(rows);
        var written = new List<string>();
        foreach (var model in ChartModelBuilder.Build(rows, metrics))
        {
            var plot = Draw(model, cniOrder);
            var png = Path.Join(chartsDir, model.FileStem + ".png");
            var svg = Path.Join(chartsDir, model.FileStem + ".svg");
            plot.SavePng(png, Width, Height);
            plot.SaveSvg(svg, Width, Height);
            written.Add(png);
            written.Add(svg);
        }

        return written;
    }

    private static bool IsInstalled(string family) =>
        string.Equals(Fonts.GetTypeface(family, bold: false, italic: false)?.FamilyName, family, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A CNI's colour, the same in every chart: one hue per CNI, and a lighter or darker shade of it for each of its
    /// variants (calico+wireguard is a lighter calico), so a dozen clusters stay apart and families stay together.
    /// </summary>
    internal static Color ColorOf(string cni, IReadOnlyList<string> cniOrder)
    {
        var id = Core.Clusters.ClusterId.Parse(cni);
        var bases = cniOrder.Select(c => Core.Clusters.ClusterId.Parse(c).Cni).Distinct(StringComparer.Ordinal).ToList();
        var color = CniColors[Math.Max(0, bases.IndexOf(id.Cni)) % CniColors.Length];
        if (id.Variant is null)
        {
            return color;
        }

        var variants = cniOrder.Where(c => Core.Clusters.ClusterId.Parse(c) is { Variant: not null } v && v.Cni == id.Cni).ToList();
        var rank = Math.Max(0, variants.IndexOf(cni)) + 1;
        return rank % 2 == 1 ? color.Lighten(0.3 * ((rank + 1) / 2)) : color.Darken(0.3 * (rank / 2));
    }

    private static Plot Draw(ChartModel model, IReadOnlyList<string> cniOrder)
    {
        var plot = new Plot();
        plot.Font.Set(SansFont.Value);
        var slots = model.Cnis.Count;
        double GroupStart(int group) => group * (slots + GroupGap);

        // One bar series per CNI gives one legend entry per CNI with its colour.
        foreach (var cni in model.Cnis)
        {
            var color = ColorOf(cni, cniOrder);
            var bars = new List<Bar>();
            for (var g = 0; g < model.Groups.Count; g++)
            {
                foreach (var bar in model.Groups[g].Bars.Where(b => b.Cni == cni))
                {
                    bars.Add(new Bar
                    {
                        Position = GroupStart(g) + bar.CniIndex,
                        Value = bar.Median,
                        Size = BarWidth,
                        FillColor = color,
                        LineWidth = 0,
                    });
                }
            }

            var series = plot.Add.Bars(bars);
            series.LegendText = cni;
        }

        AddConfidenceIntervals(plot, model, GroupStart);
        AddUnderlayLines(plot, model, GroupStart, slots);

        var ticks = model.Groups
            .Select((g, i) => new Tick(GroupStart(i) + (slots - 1) / 2.0, g.Label))
            .ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Grid.XAxisStyle.MajorLineStyle.Width = 0;

        plot.Title(model.Title, 17);
        plot.YLabel(model.YAxisLabel, 15);

        var top = TopOfData(model);
        plot.Axes.SetLimitsY(0, top * 1.12);
        plot.Axes.SetLimitsX(-BarWidth, GroupStart(model.Groups.Count - 1) + slots - 1 + BarWidth);

        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 14;
        plot.Legend.SymbolWidth = 28;
        return plot;
    }

    private static void AddConfidenceIntervals(Plot plot, ChartModel model, Func<int, double> groupStart)
    {
        var xs = new List<double>();
        var mids = new List<double>();
        var halves = new List<double>();
        for (var g = 0; g < model.Groups.Count; g++)
        {
            foreach (var bar in model.Groups[g].Bars)
            {
                if (bar.Ci95Low is { } low && bar.Ci95High is { } high)
                {
                    // The interval is of the mean, so it is drawn where it is, not centred on the median bar.
                    xs.Add(groupStart(g) + bar.CniIndex);
                    mids.Add((low + high) / 2);
                    halves.Add((high - low) / 2);
                }
            }
        }

        if (xs.Count == 0)
        {
            return;
        }

        var errors = plot.Add.ErrorBar(xs, mids, halves);
        errors.Color = Colors.Black;
        errors.LineWidth = 1.5f;
        errors.CapSize = 8;
    }

    private static void AddUnderlayLines(Plot plot, ChartModel model, Func<int, double> groupStart, int slots)
    {
        var labelled = false;
        foreach (var reference in model.Underlay)
        {
            var groupIndexes = model.Groups
                .Select((g, i) => (g, i))
                .Where(x => x.g.Variant == reference.Variant)
                .Select(x => x.i)
                .ToList();
            if (groupIndexes.Count == 0)
            {
                continue;
            }

            var x1 = groupStart(groupIndexes[0]) - (BarWidth / 2);
            var x2 = groupStart(groupIndexes[^1]) + slots - 1 + (BarWidth / 2);
            var line = plot.Add.Line(x1, reference.Median, x2, reference.Median);
            line.LineColor = UnderlayColor;
            line.LineWidth = 2;
            line.LinePattern = LinePattern.Dashed;
            line.MarkerSize = 0;
            if (!labelled)
            {
                line.LegendText = "underlay\n(node to node)";
                labelled = true;
            }
        }
    }

    private static double TopOfData(ChartModel model)
    {
        var bars = model.Groups.SelectMany(g => g.Bars).Select(b => Math.Max(b.Median, b.Ci95High ?? 0));
        var lines = model.Underlay.Select(u => u.Median);
        var top = bars.Concat(lines).DefaultIfEmpty(1).Max();
        return top > 0 ? top : 1;
    }
}
