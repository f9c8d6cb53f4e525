using CniBench.Core.Measurements;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.QuantileEstimators;

namespace CniBench.Results;

/// <summary>Turns measurement rows into per-group statistics; statistics come from Perfolizer.</summary>
public static class SummaryBuilder
{
    /// <summary>
    /// Metrics that are compared with the underlay as a percentage. For a latency, above 100% is slower than the underlay.
    /// </summary>
    public static IReadOnlySet<string> UnderlayComparedMetrics { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        Metrics.ThroughputBps, Metrics.TransactionsPerSecond, Metrics.ConnectionsPerSecond, Metrics.LatencyP50Us, Metrics.LatencyP99Us,
    };

    /// <summary>
    /// One row per (cni, test, variant, topology, metric) seen in <paramref name="measurements"/>, in the
    /// order the groups first appear. Failed and unsupported rows are counted under the metric they carry,
    /// so a group that never succeeded still appears, with n = 0.
    /// </summary>
    public static IReadOnlyList<SummaryRow> Build(IEnumerable<Measurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var groups = new Dictionary<GroupKey, List<Measurement>>();
        var order = new List<GroupKey>();
        foreach (var m in measurements)
        {
            var key = new GroupKey(m.Cni, m.Test, m.Variant, m.Topology, m.Metric);
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups.Add(key, list);
                order.Add(key);
            }

            list.Add(m);
        }

        var rows = order.Select(key => Summarize(key, groups[key])).ToList();
        var underlayMedians = rows
            .Where(r => r.Cni == Underlay.Name && r.Topology == Topologies.CrossNode && r.Median is not null)
            .ToDictionary(r => (r.Test, r.Variant, r.Metric), r => r.Median!.Value);

        return [.. rows.Select(r => r with { PctOfUnderlay = PercentOfUnderlay(r, underlayMedians) })];
    }

    private static SummaryRow Summarize(GroupKey key, List<Measurement> rows)
    {
        var values = rows
            .Where(m => m.Status == MeasurementStatus.Ok && m.Value is not null)
            .Select(m => m.Value!.Value)
            .ToArray();
        var unit = rows.FirstOrDefault(m => m.Status == MeasurementStatus.Ok && m.Unit.Length > 0)?.Unit
            ?? rows.FirstOrDefault(m => m.Unit.Length > 0)?.Unit
            ?? "";
        var row = new SummaryRow
        {
            Cni = key.Cni,
            Test = key.Test,
            Variant = key.Variant,
            Topology = key.Topology,
            Metric = key.Metric,
            Unit = unit,
            N = values.Length,
            Failed = rows.Count(m => m.Status == MeasurementStatus.Failed),
            Unsupported = rows.Count(m => m.Status == MeasurementStatus.Unsupported),
        };
        if (values.Length == 0)
        {
            return row;
        }

        var moments = Moments.Create(values);
        row = row with
        {
            Median = SimpleQuantileEstimator.Instance.Quantile(values, 0.5),
            Mean = moments.Mean,
            Min = values.Min(),
            Max = values.Max(),
        };
        if (values.Length < 2)
        {
            return row;
        }

        var standardError = moments.StandardDeviation / Math.Sqrt(values.Length);
        var interval = new ConfidenceIntervalEstimator(values.Length, moments.Mean, standardError)
            .ConfidenceInterval(ConfidenceLevel.L95);
        return row with { Stdev = moments.StandardDeviation, Ci95Low = interval.Lower, Ci95High = interval.Upper };
    }

    private static double? PercentOfUnderlay(SummaryRow row, Dictionary<(string, string, string), double> underlayMedians)
    {
        if (row.Cni == Underlay.Name || row.Median is not { } median || !UnderlayComparedMetrics.Contains(row.Metric))
        {
            return null;
        }

        return underlayMedians.TryGetValue((row.Test, row.Variant, row.Metric), out var reference) && reference > 0
            ? 100.0 * median / reference
            : null;
    }

    private sealed record GroupKey(string Cni, string Test, string Variant, string Topology, string Metric);
}
