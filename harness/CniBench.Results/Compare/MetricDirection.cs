using CniBench.Core.Measurements;

namespace CniBench.Results.Compare;

/// <summary>Which way a metric gets better; a metric without a direction can change but never regress.</summary>
public enum MetricDirection
{
    None,
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>The direction of every metric the tests write, by name; unknown metrics have none.</summary>
public static class MetricDirections
{
    private static readonly Dictionary<string, MetricDirection> Known = new(StringComparer.Ordinal)
    {
        [Metrics.ThroughputBps] = MetricDirection.HigherIsBetter,
        ["requests_per_second"] = MetricDirection.HigherIsBetter,
        ["conformance_score_percent"] = MetricDirection.HigherIsBetter,
        ["cases_passed"] = MetricDirection.HigherIsBetter,
        [Metrics.Retransmits] = MetricDirection.LowerIsBetter,
        [Metrics.JitterMs] = MetricDirection.LowerIsBetter,
        [Metrics.LostPercent] = MetricDirection.LowerIsBetter,
        ["cells_wrong"] = MetricDirection.LowerIsBetter,
        ["cells_probe_error"] = MetricDirection.LowerIsBetter,
    };

    public static MetricDirection Of(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (Known.TryGetValue(metric, out var direction))
        {
            return direction;
        }

        // Families named by what they measure: rates up, costs and delays down.
        if (metric.EndsWith("_rps", StringComparison.Ordinal) || metric.Contains("requests_per_s", StringComparison.Ordinal))
        {
            return MetricDirection.HigherIsBetter;
        }

        if (metric.Contains("latency", StringComparison.Ordinal)
            || metric.Contains("cpu", StringComparison.Ordinal)
            || metric.EndsWith("_ms", StringComparison.Ordinal))
        {
            return MetricDirection.LowerIsBetter;
        }

        return MetricDirection.None;
    }
}
