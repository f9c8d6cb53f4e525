using CniBench.Core.Measurements;

namespace CniBench.Workloads.Rr;

/// <summary>What the rr kind writes besides the shared latency percentiles; it is rated on its median round trip.</summary>
public static class RrMetrics
{
    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.TransactionsPerSecond, Metrics.TransactionsPerSecondUnit, MetricDirection.HigherIsBetter, "Transactions per second"),
    ])
    {
        Criteria = [new(ReportCriteria.RrLatency, Metrics.LatencyP50Us)],
        ChartTitle = "rr (sockperf ping-pong)",
    };
}
