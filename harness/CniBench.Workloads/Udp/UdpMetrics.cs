using CniBench.Core.Measurements;

namespace CniBench.Workloads.Udp;

/// <summary>What the udp kind writes besides iperf3's shared figures, and the report criterion its rows feed.</summary>
public static class UdpMetrics
{
    /// <summary>udp capacity search: that offered rate.</summary>
    public const string UdpCapacityOfferedBps = "udp_capacity_offered_bps";

    /// <summary>udp capacity search: how many probes it took (bounded by the scenario).</summary>
    public const string UdpCapacityProbes = "udp_capacity_probes";

    /// <summary>udp with a small payload (<c>payload: 64B</c>): the capacity in datagrams per second at the receiver, under the loss bound.</summary>
    public const string UdpCapacityPps = "udp_capacity_pps";

    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.UdpCapacityBps, Metrics.BitsPerSecond, Higher, "UDP capacity"),
        new(UdpCapacityOfferedBps, Metrics.BitsPerSecond, None, "UDP capacity, offered rate"),
        new(UdpCapacityProbes, Metrics.Count, None, "UDP capacity probes"),
        // The small-packet rate (udp with payload: 64B): per-packet work, where datapaths differ most.
        new(UdpCapacityPps, Metrics.PacketsPerSecondUnit, Higher, "Small-packet capacity"),
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
        ChartTitle = "UDP throughput (iperf3)",
    };
}
