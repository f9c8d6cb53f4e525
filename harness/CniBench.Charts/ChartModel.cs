using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Charts;

/// <summary>One bar: a CNI's median in one (variant, topology) group, already in display units.</summary>
internal sealed record ChartBar(string Cni, int CniIndex, double Median, double? Ci95Low, double? Ci95High, int N);

/// <summary>A cluster of bars on the x axis: one (variant, topology), one bar per CNI with data.</summary>
internal sealed record ChartGroup(string Variant, string Topology, IReadOnlyList<ChartBar> Bars)
{
    public string Label => $"{Variant}\n{Topology}";
}

/// <summary>The underlay's node-to-node median for one variant, drawn across that variant's groups.</summary>
internal sealed record UnderlayReference(string Variant, double Median);

/// <summary>What one chart shows, independent of how ScottPlot draws it; built from summary rows only.</summary>
internal sealed record ChartModel(
    string FileStem,
    string Title,
    string YAxisLabel,
    IReadOnlyList<string> Cnis,
    IReadOnlyList<ChartGroup> Groups,
    IReadOnlyList<UnderlayReference> Underlay);

/// <summary>Display scale for a metric: divide by <see cref="Divisor"/> and label the axis with <see cref="Unit"/>.</summary>
internal sealed record DisplayScale(double Divisor, string Unit)
{
    /// <summary>Picks bit/s, kbit/s, Mbit/s or Gbit/s so the largest value drawn reads between 1 and 1000.</summary>
    public static DisplayScale ForBitsPerSecond(double largest) => largest switch
    {
        >= 1e9 => new(1e9, "Gbit/s"),
        >= 1e6 => new(1e6, "Mbit/s"),
        >= 1e3 => new(1e3, "kbit/s"),
        _ => new(1, "bit/s"),
    };
}

/// <summary>Turns summary rows into chart models: one per test and charted metric.</summary>
internal static class ChartModelBuilder
{
    private sealed record ChartedMetric(string Metric, string FileSuffix);

    private static readonly ChartedMetric[] ChartedMetrics =
    [
        new(Metrics.ThroughputBps, "throughput"),
        new(Metrics.HostCpuPercent, "cpu"),
        new(Metrics.RequestsPerSecond, "requests"),
        // rr and crr: the median and the tail of the merged round trips (connect times), and the rate.
        new(Metrics.LatencyP50Us, "latency-p50"),
        new(Metrics.LatencyP99Us, "latency-p99"),
        new(Metrics.TransactionsPerSecond, "transactions"),
        new(Metrics.ConnectionsPerSecond, "connections"),
    ];

    /// <summary>CNIs in a fixed order over all charts, so each keeps its colour everywhere.</summary>
    public static IReadOnlyList<string> CniOrder(IReadOnlyList<SummaryRow> rows) =>
        [.. rows.Select(r => r.Cni).Where(c => c != Underlay.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<ChartModel> Build(IReadOnlyList<SummaryRow> rows, MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var cniOrder = CniOrder(rows);
        var models = new List<ChartModel>();
        foreach (var test in rows.Select(r => r.Test).Distinct(StringComparer.Ordinal))
        {
            foreach (var charted in ChartedMetrics)
            {
                var model = BuildOne(rows, cniOrder, test, charted, metrics);
                if (model is not null)
                {
                    models.Add(model);
                }
            }
        }

        return models;
    }

    private static ChartModel? BuildOne(IReadOnlyList<SummaryRow> all, IReadOnlyList<string> cniOrder, string test, ChartedMetric charted, MetricRegistry metrics)
    {
        // A fixed-rate HTTP run achieves the rate it is paced at, not what the path can carry: only saturation runs compare.
        var rows = all.Where(r => r.Test == test && r.Metric == charted.Metric && r.HasValues && r.Median is not null)
            .Where(r => charted.Metric != Metrics.RequestsPerSecond || !r.Variant.EndsWith("-fixed-rate", StringComparison.Ordinal))
            .Select(r => charted.Metric == Metrics.RequestsPerSecond ? r with { Variant = HttpGroupLabel(r.Variant) } : r)
            .ToList();
        var cniRows = rows.Where(r => r.Cni != Underlay.Name).ToList();
        if (cniRows.Count == 0)
        {
            return null;
        }

        var scale = charted.Metric == Metrics.ThroughputBps
            ? DisplayScale.ForBitsPerSecond(rows.Max(r => Math.Max(r.Median!.Value, r.Ci95High ?? 0)))
            : new DisplayScale(1, cniRows[0].Unit);

        var variants = cniRows.Select(r => r.Variant).Distinct(StringComparer.Ordinal).ToList();
        var topologies = cniRows.Select(r => r.Topology).Distinct(StringComparer.Ordinal)
            .OrderBy(t => TopologyRank(t))
            .ToList();
        var cnis = cniOrder.Where(c => cniRows.Any(r => r.Cni == c)).ToList();

        var groups = new List<ChartGroup>();
        foreach (var variant in variants)
        {
            foreach (var topology in topologies)
            {
                var bars = cniRows
                    .Where(r => r.Variant == variant && r.Topology == topology)
                    .OrderBy(r => cnis.IndexOf(r.Cni))
                    .Select(r => new ChartBar(
                        r.Cni,
                        cnis.IndexOf(r.Cni),
                        r.Median!.Value / scale.Divisor,
                        r.Ci95Low / scale.Divisor,
                        r.Ci95High / scale.Divisor,
                        r.N))
                    .ToList();
                if (bars.Count > 0)
                {
                    groups.Add(new ChartGroup(variant, topology, bars));
                }
            }
        }

        var underlay = variants
            .Select(v => rows.FirstOrDefault(r => r.Cni == Underlay.Name && r.Variant == v && r.Topology == Topologies.CrossNode))
            .OfType<SummaryRow>()
            .Select(r => new UnderlayReference(r.Variant, r.Median!.Value / scale.Divisor))
            .ToList();

        var ns = groups.SelectMany(g => g.Bars).Select(b => b.N).Distinct().Order().ToList();
        var n = ns.Count == 1 ? $"n={ns[0]}" : $"n={ns[0]}–{ns[^1]}";
        // The kind names its measurements, and retitles a chart where the generic title would not say what it shows.
        var measured = metrics.ChartTitleOf(test);
        var what = metrics.ChartTitleOf(test, charted.Metric) ?? charted.Metric switch
        {
            Metrics.ThroughputBps => measured,
            Metrics.RequestsPerSecond => "HTTP requests/s at saturation (wrk → nginx)",
            Metrics.LatencyP50Us or Metrics.LatencyP99Us =>
                $"Round trip {(charted.Metric == Metrics.LatencyP50Us ? "p50" : "p99")}, {measured}, lower is better",
            Metrics.TransactionsPerSecond or Metrics.ConnectionsPerSecond => $"{metrics.TitleOf(charted.Metric)}, {measured}",
            _ => $"Host CPU during {measured}",
        };
        // The axis names the metric as the registry declares it; a count per second is its own unit.
        var yLabel = charted.Metric is Metrics.RequestsPerSecond or Metrics.TransactionsPerSecond or Metrics.ConnectionsPerSecond
            ? metrics.TitleOf(charted.Metric)
            : $"{metrics.TitleOf(charted.Metric)} ({scale.Unit})";
        return new ChartModel(
            $"{FileSafe(test)}-{charted.FileSuffix}",
            $"{what}, median with 95% CI of the mean, {n}",
            yLabel,
            cnis,
            groups,
            underlay);
    }

    /// <summary>"1KiB-keepalive-saturation" → "1KiB\nkeepalive": every charted http variant is a saturation run, and long labels collide.</summary>
    private static string HttpGroupLabel(string variant) =>
        (variant.EndsWith("-saturation", StringComparison.Ordinal) ? variant[..^"-saturation".Length] : variant).Replace('-', '\n');

    private static int TopologyRank(string topology)
    {
        for (var i = 0; i < Topologies.All.Count; i++)
        {
            if (Topologies.All[i] == topology)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private static string FileSafe(string name)
    {
        var chars = name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' ? c : '-').ToArray();
        return new string(chars);
    }
}
