namespace CniBench.Core.Measurements;

public enum MeasurementStatus
{
    Ok,
    Failed,
    Unsupported,
}

/// <summary>
/// One observation: the single record that results writers, statistics and reports read.
/// A failed or unsupported measurement is a row too, with no value and a reason.
/// </summary>
public sealed record Measurement
{
    public required string RunId { get; init; }

    public required string Provider { get; init; }

    public required string Cni { get; init; }

    public required string Test { get; init; }

    public required string Variant { get; init; }

    public required string Topology { get; init; }

    public required int Repetition { get; init; }

    public required string Metric { get; init; }

    public double? Value { get; init; }

    public string Unit { get; init; } = "";

    public MeasurementStatus Status { get; init; } = MeasurementStatus.Ok;

    public string? Reason { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Path of the tool's own output under the run folder, so any number can be traced.</summary>
    public string? RawFile { get; init; }

    /// <summary>Identity of the measurement the row belongs to, without the metric.</summary>
    public MeasurementKey Key => new(Cni, Test, Variant, Topology, Repetition);
}

/// <summary>Identifies one measurement (one tool run) in a run plan.</summary>
public sealed record MeasurementKey(string Cni, string Test, string Variant, string Topology, int Repetition)
{
    public override string ToString() => $"{Cni}/{Test}/{Variant}/{Topology}#{Repetition}";
}

/// <summary>A metric value as a test reports it, before the orchestrator stamps run identity on it.</summary>
public sealed record Observation(string Metric, double Value, string Unit);

/// <summary>Well-known metric names and units; CSV and charts rely on them.</summary>
public static class Metrics
{
    public const string ThroughputBps = "throughput_bps";
    public const string Retransmits = "retransmits";
    public const string JitterMs = "jitter_ms";
    public const string LostPercent = "lost_percent";
    public const string HostCpuPercent = "host_cpu_percent";
    public const string HostCpuUserSeconds = "host_cpu_user_seconds";
    public const string HostCpuSystemSeconds = "host_cpu_system_seconds";
    public const string HostCpuSoftirqSeconds = "host_cpu_softirq_seconds";
    public const string HarnessCpuSeconds = "harness_cpu_seconds";
    public const string HostCpuCoresPerGbps = "host_cpu_cores_per_gbps";
    public const string Cores = "cores";

    /// <summary>HTTP requests completed per second (wrk), over the measured duration.</summary>
    public const string RequestsPerSecond = "requests_per_second";

    /// <summary>Fixed-rate HTTP variants: the rate asked of the generator (half the saturation rate).</summary>
    public const string TargetRequestsPerSecond = "target_requests_per_second";

    /// <summary>HTTP response bytes (headers and bodies) read per second, in bit/s.</summary>
    public const string TransferBps = "transfer_bps";

    /// <summary>
    /// HTTP latency percentiles from wrk, from sending a request to its complete response. wrk is closed-loop:
    /// a connection sends its next request only after the previous response, so in fixed-rate variants a stall
    /// delays the requests that should have been sent during it and they are never timed (coordinated omission):
    /// the tail percentiles understate what an open-loop client would see.
    /// </summary>
    public const string LatencyP50Ms = "latency_p50_ms";
    public const string LatencyP90Ms = "latency_p90_ms";
    public const string LatencyP99Ms = "latency_p99_ms";
    public const string LatencyP999Ms = "latency_p999_ms";
    public const string LatencyMaxMs = "latency_max_ms";

    /// <summary>Socket errors wrk counted: connect, read, write and timeout.</summary>
    public const string HttpErrors = "http_errors";

    /// <summary>Responses wrk counted as errors by status: 400 and above (wrk treats 3xx as success).</summary>
    public const string HttpNon2xx = "http_non_2xx";

    /// <summary>CPU used by the load generator itself (user + system), in % of one core: near 100 × threads it is the limit.</summary>
    public const string GeneratorCpuPercent = "generator_cpu_percent";

    public const string BitsPerSecond = "bit/s";
    public const string Count = "count";
    public const string Milliseconds = "ms";
    public const string Percent = "%";
    public const string Seconds = "s";
    public const string RequestsPerSecondUnit = "req/s";
}

/// <summary>Topology names shared by tests, results and charts.</summary>
public static class Topologies
{
    public const string SameNode = "same-node";
    public const string CrossNode = "cross-node";

    /// <summary>Every pod to every pod: the network-policy probe matrix.</summary>
    public const string PodToPod = "pod-to-pod";

    /// <summary>A pod on one node to a Service (ClusterIP) whose one backend is a pod on another node.</summary>
    public const string PodToService = "pod-to-service";

    /// <summary>A client pod through an ingress controller pod to backend pods on other nodes.</summary>
    public const string Ingress = "ingress";

    public static IReadOnlyList<string> All { get; } = [SameNode, CrossNode, PodToService];
}

/// <summary>The pseudo-CNI under which the no-CNI node-to-node baseline is recorded.</summary>
public static class Underlay
{
    public const string Name = "underlay";
}
