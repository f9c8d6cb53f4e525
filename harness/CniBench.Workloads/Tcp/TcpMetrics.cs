using CniBench.Core.Measurements;

namespace CniBench.Workloads.Tcp;

/// <summary>What the tcp kind writes besides iperf3's shared figures, and the report criteria its rows feed.</summary>
public static class TcpMetrics
{
    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.Retransmits, Metrics.Count, MetricDirection.LowerIsBetter, "TCP retransmits"),
    ])
    {
        Criteria =
        [
            new(ReportCriteria.TcpThroughput, Metrics.ThroughputBps),
            new(ReportCriteria.EncryptedThroughput, Metrics.ThroughputBps),
            // At saturation a small host is busy whatever the datapath, so busy cores ÷ throughput is ~1/throughput: the
            // cost is rated on the paced variants (one common offered rate) whenever the run has them.
            new(ReportCriteria.CpuPerGbit, Metrics.DatapathCpuCoresPerGbps) { VariantPrefix = TcpTestSpec.PacedPrefix },
            new(ReportCriteria.CpuPerGbit, Metrics.DatapathCpuCoresPerGbps),
        ],
        ChartTitle = "TCP throughput (iperf3)",
    };
}
