using CniBench.Core.Measurements;

namespace CniBench.Workloads.Mtu;

/// <summary>What the mtu kind writes, and the report criterion it feeds.</summary>
public static class MtuMetrics
{
    /// <summary>The MTU the client pod's interface claims.</summary>
    public const string PodMtuBytes = "pod_mtu_bytes";

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.PathMtuBytes, Metrics.Bytes, MetricDirection.None, "Path MTU"),
        new(PodMtuBytes, Metrics.Bytes, MetricDirection.None, "Pod interface MTU"),
        new(Metrics.MtuMismatch, Metrics.Bool, MetricDirection.None, "Path MTU below the pod's"),
    ])
    {
        Criteria = [new(ReportCriteria.Mtu, Metrics.PathMtuBytes)],
        BarCharted = false,
    };
}
