using CniBench.Core.Measurements;

namespace CniBench.Workloads.Ingress;

/// <summary>What the ingress kind writes besides wrk's shared figures: churn and the controller's own CPU.</summary>
public static class IngressMetrics
{
    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(Metrics.ChurnFailedRequests, Metrics.Count, None, "Requests failed during churn"),
        new(Metrics.ChurnNon2xx, Metrics.Count, None, "Responses ≥ 400 during churn"),
        new(Metrics.ChurnFailedSlices, Metrics.Count, None, "Empty seconds during churn"),
        new(Metrics.ChurnRequestsPerSecond, Metrics.RequestsPerSecondUnit, Higher, "Requests per second during churn"),
        new(Metrics.ChurnP99SpikeMs, Metrics.Milliseconds, Lower, "p99 spike during churn"),
        new(Metrics.ControllerCpuPercent, Metrics.Percent, Lower, "Ingress controller CPU"),
        new(Metrics.ControllerCpuUsPerRequest, Metrics.Microseconds, Lower, "Ingress controller CPU per request"),
    ]);
}
