namespace CniBench.Core.Measurements;

/// <summary>
/// The metrics several kinds write (through a driver they share: iperf3 for tcp and udp, wrk for http and ingress,
/// merged latency samples for rr and crr) or the harness writes around any measurement (host CPU, the wire check,
/// Kubernetes nodes and Services). A metric only one kind writes is declared in that kind's folder instead.
/// </summary>
public static class SharedMetrics
{
    private const MetricDirection Higher = MetricDirection.HigherIsBetter;
    private const MetricDirection Lower = MetricDirection.LowerIsBetter;
    private const MetricDirection None = MetricDirection.None;

    public static MetricDeclarations Declarations { get; } = new(
    [
        // iperf3 (tcp and udp). Which test's throughput feeds which criterion, the kinds declare.
        new(Metrics.ThroughputBps, Metrics.BitsPerSecond, Higher, "Throughput"),
        new(Metrics.ToolClientCpuPercent, Metrics.Percent, None, "Tool CPU, client process"),
        new(Metrics.ToolServerCpuPercent, Metrics.Percent, None, "Tool CPU, server process"),

        // The host CPU the harness samples around every measurement.
        new(Metrics.HostCpuPercent, Metrics.Percent, Lower, "Host CPU busy"),
        // The parts of the host's CPU, counted in 10 ms ticks: diagnostic, not judged. Two back-to-back runs of the
        // same scenario had compare call host_cpu_user_seconds 0.07 → 0.10 s a regression; the judged CPU figures are
        // host_cpu_percent and host_cpu_cores_per_gbps.
        new(Metrics.HostCpuUserSeconds, Metrics.Seconds, None, "Host CPU, user"),
        new(Metrics.HostCpuSystemSeconds, Metrics.Seconds, None, "Host CPU, system"),
        new(Metrics.HostCpuSoftirqSeconds, Metrics.Seconds, None, "Host CPU, softirq"),
        new(Metrics.HarnessCpuSeconds, Metrics.Seconds, None, "Harness CPU"),
        // Host-wide, so a shared host's other load enters it: compared, not rated (datapath_cpu_cores_per_gbps is).
        new(Metrics.HostCpuCoresPerGbps, Metrics.Cores, Lower, "Host CPU per Gbit/s"),
        // At saturation busy cores follow throughput; they say something about the datapath only at a fixed offered
        // rate, where host_cpu_cores_per_gbps is the judged figure.
        new(Metrics.HostCpuBusyCores, Metrics.Cores, None, "Host cores busy"),
        new(Metrics.HostCpuSecondsPerMillionPackets, Metrics.Seconds, Lower, "Host CPU per million packets"),
        new(Metrics.DaemonCpuPercent, Metrics.Percent, None, "Datapath daemon CPU"),
        // The idle check before each lab measurement: how quiet the shared host was, for reading a row, not judged.
        new(Metrics.IdleCheckIdle, Metrics.Bool, None, "Host idle at start"),
        new(Metrics.IdleCheckWaitSeconds, Metrics.Seconds, None, "Idle check wait"),
        new(Metrics.IdleCheckBusyPercent, Metrics.Percent, None, "Host CPU busy before start"),
        new(Metrics.DatapathCpuCoresPerGbps, Metrics.Cores, Lower, "Datapath CPU per Gbit/s"),

        // wrk (http and ingress).
        new(Metrics.RequestsPerSecond, Metrics.RequestsPerSecondUnit, Higher, "Requests per second"),
        // Follows requests/s (same responses), so it is not judged a second time.
        new(Metrics.TransferBps, Metrics.BitsPerSecond, None, "HTTP transfer"),
        new(Metrics.LatencyP50Ms, Metrics.Milliseconds, Lower, "Latency p50"),
        new(Metrics.LatencyP90Ms, Metrics.Milliseconds, Lower, "Latency p90"),
        new(Metrics.LatencyP99Ms, Metrics.Milliseconds, Lower, "Latency p99"),
        new(Metrics.LatencyP999Ms, Metrics.Milliseconds, Lower, "Latency p99.9"),
        new(Metrics.LatencyMaxMs, Metrics.Milliseconds, Lower, "Latency max"),
        // Error counts are zero in almost every run, where a ratio means nothing: shown and reported, never judged.
        new(Metrics.HttpErrors, Metrics.Count, None, "HTTP socket errors"),
        new(Metrics.HttpNon2xx, Metrics.Count, None, "HTTP responses ≥ 400"),
        new(Metrics.GeneratorCpuPercent, Metrics.Percent, Lower, "Load generator CPU"),

        // Merged latency samples (rr round trips, crr connect times).
        new(Metrics.LatencyP50Us, Metrics.Microseconds, Lower, "Latency p50"),
        new(Metrics.LatencyP90Us, Metrics.Microseconds, Lower, "Latency p90"),
        new(Metrics.LatencyP99Us, Metrics.Microseconds, Lower, "Latency p99"),
        new(Metrics.LatencyP999Us, Metrics.Microseconds, Lower, "Latency p99.9"),
        new(Metrics.LatencyP9999Us, Metrics.Microseconds, Lower, "Latency p99.99"),
        new(Metrics.LatencyMaxUs, Metrics.Microseconds, Lower, "Latency max"),

        // The wire check around encrypted measurements.
        new(Metrics.WirePlaintextSeen, Metrics.Bool, None, "Plaintext seen on the wire"),
        new(Metrics.WireFramesSampled, Metrics.Count, None, "Underlay frames sampled"),
        new(Metrics.WireDataFramesSampled, Metrics.Count, None, "Underlay data frames sampled"),

        // Kubernetes nodes (kubelet summary API).
        new(Metrics.NodeCpuCores, Metrics.Cores, Lower, "Node CPU"),
        new(Metrics.NodeMemoryBytes, Metrics.Bytes, None, "Node memory"),

        // Kubernetes Services: how long kube-proxy (or the CNI's replacement) took to make a new Service usable.
        new(Metrics.ServiceReadyMs, Metrics.Milliseconds, Lower, "Service ready time"),
    ])
    {
        Criteria =
        [
            // Whichever test measured it: http's requests/s and the ingress controllers' (the matrix prefers cross-node).
            new(ReportCriteria.Http, Metrics.RequestsPerSecond),
            new(ReportCriteria.EncryptionVerified, Metrics.WirePlaintextSeen),
        ],
    };
}
