using CniBench.Core.Measurements;

namespace CniBench.Workloads.Udp;

/// <summary>What the udp kind writes besides iperf3's shared figures, and the report criterion its rows feed.</summary>
public static class UdpMetrics
{
    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.UdpCapacityBps, Metrics.BitsPerSecond, Higher, "UDP capacity"),
        new(Metrics.UdpCapacityOfferedBps, Metrics.BitsPerSecond, None, "UDP capacity, offered rate"),
        new(Metrics.UdpCapacityProbes, Metrics.Count, None, "UDP capacity probes"),
        // The small-packet rate (udp with payload: 64B): per-packet work, where datapaths differ most.
        new(Metrics.UdpCapacityPps, Metrics.PacketsPerSecondUnit, Higher, "Small-packet capacity"),
        new(Metrics.PacketsPerSecond, Metrics.PacketsPerSecondUnit, Higher, "Packets per second"),
        new(Metrics.JitterMs, Metrics.Milliseconds, Lower, "UDP jitter"),
        new(Metrics.LostPercent, Metrics.Percent, Lower, "UDP datagrams lost"),
    ])
    {
        Criteria =
        [
            // Rated on capacity where the run searched it (a fixed offered rate measures the host's load, not the path),
            // else on the fixed-rate throughput.
            new(ReportCriteria.UdpThroughput, Metrics.UdpCapacityBps),
            new(ReportCriteria.UdpThroughput, Metrics.ThroughputBps),
        ],
    };
}
