using System.Globalization;
using System.Text.Json;
using CniBench.Core.Measurements;
using CniBench.Results;
using ScottPlot;

namespace CniBench.Charts;

/// <summary>
/// Charts of the <c>ingress</c> test: the churn timeline per (CNI, controller) from the raw timeline files — requests/s
/// per 1-second slice (one line per repetition), failed requests and non-2xx as bars on the right axis, each change
/// as a labelled vertical line — and latency percentiles per CNI with one line per controller (log axis).
/// </summary>
public static class ChurnChart
{
    public const string Test = "ingress";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly Color ErrorColor = Color.FromHex("#d62728");
    private static readonly Color ChangeColor = Color.FromHex("#555555");
    private static readonly Color[] ControllerColors = new ScottPlot.Palettes.Category10().Colors;

    /// <summary>Writes <c>ingress-churn-&lt;cni&gt;-&lt;controller&gt;</c> and <c>ingress-latency-&lt;cni&gt;</c> charts (png and svg); returns the paths.</summary>
    public static IReadOnlyList<string> RenderAll(IReadOnlyList<SummaryRow> summary, string runDirectory, string chartsDir)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var written = new List<string>();
        var timelines = ReadTimelines(Path.Combine(runDirectory, "raw"));
        foreach (var group in timelines.GroupBy(t => (Cni: t.Cni!, Controller: t.Controller!)).OrderBy(g => g.Key.Cni, StringComparer.Ordinal).ThenBy(g => g.Key.Controller, StringComparer.Ordinal))
        {
            Directory.CreateDirectory(chartsDir);
            var plot = DrawTimeline(group.Key.Cni, group.Key.Controller, [.. group.OrderBy(t => t.Repetition)]);
            written.AddRange(Save(plot, Path.Join(chartsDir, $"ingress-churn-{group.Key.Cni}-{group.Key.Controller}")));
        }

        var latency = summary.Where(r => r.Test == Test && r.HasValues && r.Median is > 0).ToList();
        foreach (var cni in latency.Select(r => r.Cni).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (DrawLatency(cni, [.. latency.Where(r => r.Cni == cni)]) is { } plot)
            {
                Directory.CreateDirectory(chartsDir);
                written.AddRange(Save(plot, Path.Join(chartsDir, $"ingress-latency-{cni}")));
            }
        }

        return written;
    }

    /// <summary>Every readable timeline under raw/; an unreadable file is skipped (its figures are still in measurements.csv).</summary>
    internal static IReadOnlyList<TimelineFile> ReadTimelines(string rawDirectory)
    {
        if (!Directory.Exists(rawDirectory))
        {
            return [];
        }

        var timelines = new List<TimelineFile>();
        foreach (var file in Directory.EnumerateFiles(rawDirectory, "ingress-*-timeline.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                if (JsonSerializer.Deserialize<TimelineFile>(File.ReadAllText(file), Json) is { Cni: not null, Controller: not null } timeline)
                {
                    timelines.Add(timeline);
                }
            }
            catch (JsonException)
            {
                // A damaged raw file costs its chart only.
            }
        }

        return timelines;
    }

    private static Plot DrawTimeline(string cni, string controller, IReadOnlyList<TimelineFile> repetitions)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        // Repetitions differ by marker, not dash: SkiaSharp's SVG canvas warns on every dashed path.
        MarkerShape[] markers = [MarkerShape.FilledCircle, MarkerShape.OpenSquare, MarkerShape.FilledTriangleUp];
        var maxRate = 1.0;
        var maxErrors = 0.0;
        for (var r = 0; r < repetitions.Count; r++)
        {
            var slices = repetitions[r].Slices ?? [];
            if (slices.Count == 0)
            {
                continue;
            }

            double[] xs = [.. slices.Select(s => (s.StartSeconds + s.EndSeconds) / 2)];
            double[] rates = [.. slices.Select(s => s.RequestsPerSecond)];
            var line = plot.Add.Scatter(xs, rates);
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
            line.MarkerShape = markers[Math.Min(r, markers.Length - 1)];
            line.Color = ControllerColors[0].WithAlpha(r == 0 ? 1 : 0.6);
            line.LegendText = $"requests/s r{repetitions[r].Repetition.ToString(CultureInfo.InvariantCulture)}";
            maxRate = Math.Max(maxRate, rates.Max());

            var bars = slices
                .Select(s => (X: (s.StartSeconds + s.EndSeconds) / 2, Errors: (double)(s.ConnectErrors + s.ReadErrors + s.WriteErrors + s.TimeoutErrors + s.Non2xx) + (s.Failure is null ? 0 : 1)))
                .Where(b => b.Errors > 0)
                .Select(b => new Bar { Position = b.X + (r * 0.12), Value = b.Errors, Size = 0.12, FillColor = ErrorColor.WithAlpha(r == 0 ? 0.9 : 0.55), LineWidth = 0 })
                .ToList();
            if (bars.Count > 0)
            {
                var series = plot.Add.Bars(bars);
                series.Axes.YAxis = plot.Axes.Right;
                series.LegendText = $"failed + non-2xx r{repetitions[r].Repetition.ToString(CultureInfo.InvariantCulture)}";
                maxErrors = Math.Max(maxErrors, bars.Max(b => b.Value));
            }
        }

        // Change points of the first repetition: the schedule is the same in every one, only milliseconds apart.
        foreach (var change in repetitions[0].Changes ?? [])
        {
            var mark = plot.Add.VerticalLine(change.AtSeconds);
            mark.Color = change.Error is null ? ChangeColor : ErrorColor;
            mark.LineWidth = 1.5f;
            mark.LabelText = change.Error is null ? change.Label : change.Label + " (failed)";
            mark.LabelOppositeAxis = true;
            mark.LabelFontSize = 13;
            mark.ExcludeFromLegend = true;
        }

        var end = repetitions.SelectMany(t => t.Slices ?? []).Select(s => s.EndSeconds).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsX(0, end + 0.2);
        plot.Axes.SetLimitsY(0, maxRate * 1.15, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(10, maxErrors * 1.3), plot.Axes.Right);
        plot.Axes.Right.Label.Text = "Failed requests + non-2xx per slice";
        plot.Axes.Right.Label.FontSize = 15;
        plot.Title($"Ingress churn: {controller} on {cni} — requests/s per 1 s slice, changes marked", 17);
        // Room between the title and the change labels drawn above the data area.
        plot.Axes.Top.MinimumSize = 75;
        plot.YLabel("Requests per second", 15);
        plot.XLabel("Seconds into the churn phase", 15);
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.FontSize = 13;
        return plot;
    }

    /// <summary>p50 … p99.9 per controller (and direct) for one CNI, on LatencyChart's log axis.</summary>
    private static Plot? DrawLatency(string cni, IReadOnlyList<SummaryRow> rows)
    {
        var plot = new Plot();
        plot.Font.Set(ChartRenderer.SansFont.Value);
        var logs = new List<double>();
        var variants = rows.Select(r => r.Variant).Distinct(StringComparer.Ordinal)
            .OrderBy(v => v == "direct" ? 0 : 1).ThenBy(v => v, StringComparer.Ordinal).ToList();
        for (var i = 0; i < variants.Count; i++)
        {
            var points = LatencyChart.Points([.. rows.Where(r => r.Variant == variants[i])], cni, Topologies.Ingress);
            if (points.Count == 0)
            {
                continue;
            }

            var line = plot.Add.Scatter(points.Select(p => (double)p.Index).ToArray(), points.Select(p => p.Log10Ms).ToArray());
            line.Color = variants[i] == "direct" ? Color.FromHex("#333333") : ControllerColors[(i + 1) % ControllerColors.Length];
            line.LineWidth = 2.5f;
            line.MarkerSize = 7;
            line.MarkerShape = variants[i] == "direct" ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
            line.LegendText = variants[i] == "direct" ? "direct (no controller)" : variants[i];
            logs.AddRange(points.Select(p => p.Log10Ms));
        }

        if (logs.Count == 0)
        {
            return null;
        }

        string[] labels = ["p50", "p90", "p99", "p99.9"];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. labels.Select((l, i) => new Tick(i, l))]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. LatencyChart.LogTicks(logs.Min(), logs.Max())]);
        plot.Axes.SetLimitsX(-0.3, labels.Length - 0.7);
        plot.Axes.SetLimitsY(logs.Min() - 0.3, logs.Max() + 0.3);
        var n = rows.Select(r => r.N).Distinct().Order().ToList();
        plot.Title($"Ingress latency on {cni} (wrk → controller → nginx), median of n={(n.Count == 1 ? n[0].ToString(CultureInfo.InvariantCulture) : $"{n[0]}–{n[^1]}")}", 17);
        plot.YLabel("Latency (ms, log scale)", 15);
        plot.XLabel("Percentile", 15);
        plot.ShowLegend(Edge.Right);
        plot.Legend.FontSize = 13;
        return plot;
    }

    private static string[] Save(Plot plot, string stem)
    {
        plot.SavePng(stem + ".png", ChartRenderer.Width, ChartRenderer.Height);
        plot.SaveSvg(stem + ".svg", ChartRenderer.Width, ChartRenderer.Height);
        return [stem + ".png", stem + ".svg"];
    }

    /// <summary>The raw timeline file as the ingress test writes it (snake_case JSON); only what the chart draws.</summary>
    internal sealed record TimelineFile
    {
        public string? Cni { get; init; }

        public string? Controller { get; init; }

        public int Repetition { get; init; }

        public IReadOnlyList<TimelineSlice>? Slices { get; init; }

        public IReadOnlyList<TimelineChange>? Changes { get; init; }
    }

    internal sealed record TimelineSlice(
        double StartSeconds, double EndSeconds, double RequestsPerSecond, long ConnectErrors, long ReadErrors, long WriteErrors, long TimeoutErrors, long Non2xx, string? Failure);

    internal sealed record TimelineChange(string Label, double AtSeconds, double? AppliedSeconds, string? Error);
}
