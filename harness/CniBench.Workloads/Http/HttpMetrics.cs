using CniBench.Core.Measurements;

namespace CniBench.Workloads.Http;

/// <summary>What the http kind writes besides wrk's shared figures (which feed the http criterion from any test).</summary>
public static class HttpMetrics
{
    /// <summary>Fixed-rate HTTP variants: the rate asked of the generator (half the saturation rate).</summary>
    public const string TargetRequestsPerSecond = "target_requests_per_second";

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(TargetRequestsPerSecond, Metrics.RequestsPerSecondUnit, MetricDirection.None, "Target request rate"),
    ])
    {
        ChartTitle = "HTTP load (wrk → nginx)",
    };
}
