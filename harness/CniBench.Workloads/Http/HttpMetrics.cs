using CniBench.Core.Measurements;

namespace CniBench.Workloads.Http;

/// <summary>What the http kind writes besides wrk's shared figures (which feed the http criterion from any test).</summary>
public static class HttpMetrics
{
    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.TargetRequestsPerSecond, Metrics.RequestsPerSecondUnit, MetricDirection.None, "Target request rate"),
    ]);
}
