namespace CniBench.Core.Measurements;

/// <summary>
/// The datapath's own CPU per Gbit/s, from what the tool says of its client and server processes and what the cluster
/// says of its datapath daemons. Process CPU includes the kernel's packet work done in those processes' context (veth,
/// encapsulation, netfilter run there on a kernel without IRQ time accounting), and no other load of a shared host.
/// </summary>
public static class DatapathCpu
{
    /// <summary>Null unless throughput and both tool processes' CPU were observed.</summary>
    public static Observation? CoresPerGbps(IReadOnlyCollection<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        double? Value(string metric) => observations.FirstOrDefault(o => o.Metric == metric)?.Value;
        if (Value(Metrics.ThroughputBps) is not { } throughput || throughput <= 0
            || Value(Metrics.ToolClientCpuPercent) is not { } client
            || Value(Metrics.ToolServerCpuPercent) is not { } server)
        {
            return null;
        }

        var cores = (client + server + (Value(Metrics.DaemonCpuPercent) ?? 0)) / 100;
        return new Observation(Metrics.DatapathCpuCoresPerGbps, cores / (throughput / 1e9), Metrics.Cores);
    }
}
