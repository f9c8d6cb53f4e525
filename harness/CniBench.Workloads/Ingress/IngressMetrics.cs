using CniBench.Core.Measurements;

namespace CniBench.Workloads.Ingress;

/// <summary>What the ingress kind writes besides wrk's shared figures: churn and the controller's own CPU.</summary>
public static class IngressMetrics
{
    /// <summary>Requests without a response during ingress churn (wrk's connect, read, write and timeout errors).</summary>
    public const string ChurnFailedRequests = "churn_failed_requests";

    /// <summary>Responses of 400 and above during ingress churn.</summary>
    public const string ChurnNon2xx = "churn_non_2xx";

    /// <summary>1-second slices of the churn phase that completed no request at all.</summary>
    public const string ChurnFailedSlices = "churn_failed_slices";

    public const string ChurnRequestsPerSecond = "churn_requests_per_second";

    /// <summary>The highest slice p99 around a change minus the steady p99; negative when no slice near a change was slower.</summary>
    public const string ChurnP99SpikeMs = "churn_p99_spike_ms";

    /// <summary>CPU of the ingress controller's processes (master and workers) during the steady phase, in % of one core.</summary>
    public const string ControllerCpuPercent = "controller_cpu_percent";

    /// <summary>Ingress controller CPU time per request during the steady phase, in microseconds.</summary>
    public const string ControllerCpuUsPerRequest = "controller_cpu_us_per_request";

    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        new(ChurnFailedRequests, Metrics.Count, None, "Requests failed during churn"),
        new(ChurnNon2xx, Metrics.Count, None, "Responses ≥ 400 during churn"),
        new(ChurnFailedSlices, Metrics.Count, None, "Empty seconds during churn"),
        new(ChurnRequestsPerSecond, Metrics.RequestsPerSecondUnit, Higher, "Requests per second during churn"),
        new(ChurnP99SpikeMs, Metrics.Milliseconds, Lower, "p99 spike during churn"),
        new(ControllerCpuPercent, Metrics.Percent, Lower, "Ingress controller CPU"),
        new(ControllerCpuUsPerRequest, Metrics.Microseconds, Lower, "Ingress controller CPU per request"),
    ])
    {
        ChartTitles = new Dictionary<string, string>
        {
            [Metrics.RequestsPerSecond] = "Ingress requests/s per controller (wrk → controller → nginx; direct: no controller)",
        },
    };
}
