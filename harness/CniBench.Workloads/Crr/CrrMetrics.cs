using CniBench.Core.Measurements;

namespace CniBench.Workloads.Crr;

/// <summary>What the crr kind writes besides the shared latency percentiles (its connect times); it is rated on its rate.</summary>
public static class CrrMetrics
{
    /// <summary>crr: conntrack entries on the client's node before the connections (after the flush) and after them.</summary>
    public const string ConntrackEntriesBefore = "conntrack_entries_before";

    public const string ConntrackEntriesAfter = "conntrack_entries_after";

    /// <summary>crr: the client's TIME_WAIT sockets to the server when its connections start (0 once cleared).</summary>
    public const string TimeWaitAtStart = "time_wait_at_start";

    private const string Measured = "crr (iperf2 connect-only)";

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.ConnectionsPerSecond, Metrics.ConnectionsPerSecondUnit, MetricDirection.HigherIsBetter, "Connections per second"),
        // Diagnostic: how many flows the Service's NAT and the policy left tracked; not judged.
        new(ConntrackEntriesBefore, Metrics.Count, MetricDirection.None, "Conntrack entries before"),
        new(ConntrackEntriesAfter, Metrics.Count, MetricDirection.None, "Conntrack entries after"),
        // Diagnostic: busy local ports the connections started with; anything but 0 slows the port search.
        new(TimeWaitAtStart, Metrics.Count, MetricDirection.None, "TIME_WAIT sockets at start"),
    ])
    {
        Criteria = [new(ReportCriteria.CrrRate, Metrics.ConnectionsPerSecond)],
        ChartTitle = Measured,
        // Short enough for the chart's width: what crr's latency is, a connect, not a round trip.
        ChartTitles = new Dictionary<string, string>
        {
            [Metrics.LatencyP50Us] = $"Connect time p50, {Measured}, lower is better",
            [Metrics.LatencyP99Us] = $"Connect time p99, {Measured}, lower is better",
        },
    };
}
