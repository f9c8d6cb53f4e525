namespace CniBench.Core.Measurements;

/// <summary>
/// Metric names (the CSV's <c>metric</c> column) and units: the words producers write and readers look for. What a
/// metric means (unit, direction, title) is declared once, by the kind that writes it (its <c>&lt;Kind&gt;Metrics</c>) or
/// in <see cref="SharedMetrics"/>, and read through the <see cref="MetricRegistry"/>.
/// </summary>
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

    /// <summary>Host cores kept busy (user + system + softirq) over the window the tool measured.</summary>
    public const string HostCpuBusyCores = "host_cpu_busy_cores";

    /// <summary>1 when the host was idle when the measurement started, 0 when the idle check's wait ran out first.</summary>
    public const string IdleCheckIdle = "idle_check_idle";

    /// <summary>How long the idle check waited before the measurement started.</summary>
    public const string IdleCheckWaitSeconds = "idle_check_wait_seconds";

    /// <summary>The host's busy share over the idle check's last window, just before the measurement started.</summary>
    public const string IdleCheckBusyPercent = "idle_check_busy_percent";

    /// <summary>The client tool process's own CPU over its run, in % of one core, as the tool reports it (iperf3).</summary>
    public const string ToolClientCpuPercent = "tool_client_cpu_percent";

    /// <summary>The server tool process's own CPU, as the tool reports it.</summary>
    public const string ToolServerCpuPercent = "tool_server_cpu_percent";

    /// <summary>The lab's long-lived datapath processes (wireguard-go) over the measurement, in % of one core.</summary>
    public const string DaemonCpuPercent = "daemon_cpu_percent";

    /// <summary>
    /// Cores the datapath's own processes used per Gbit/s: the tool's client and server processes (with the kernel work
    /// done in their context) plus the datapath's daemons; unlike host CPU, other load on a shared host does not enter.
    /// </summary>
    public const string DatapathCpuCoresPerGbps = "datapath_cpu_cores_per_gbps";

    /// <summary>udp capacity search: the receiver's rate at the highest offered rate whose loss stayed under the bound.</summary>
    public const string UdpCapacityBps = "udp_capacity_bps";

    /// <summary>udp with a payload at a fixed rate: datagrams per second at the receiver.</summary>
    public const string PacketsPerSecond = "packets_per_second";

    /// <summary>Host CPU (user + system + softirq) per million datagrams received at a fixed rate, in core-seconds.</summary>
    public const string HostCpuSecondsPerMillionPackets = "host_cpu_seconds_per_million_packets";

    /// <summary>HTTP requests completed per second (wrk), over the measured duration.</summary>
    public const string RequestsPerSecond = "requests_per_second";

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

    /// <summary>The path MTU found between the client pod and the server pod.</summary>
    public const string PathMtuBytes = "path_mtu_bytes";

    /// <summary>1 when the path carries less than the pod's interface claims (full-size packets would be dropped).</summary>
    public const string MtuMismatch = "mtu_mismatch";

    /// <summary>1 when the workload's plaintext marker was in a captured underlay frame, else 0.</summary>
    public const string WirePlaintextSeen = "wire_plaintext_seen";

    public const string WireFramesSampled = "wire_frames_sampled";

    /// <summary>Sampled underlay frames big enough to carry the measured flow's data (not ACKs or ARP).</summary>
    public const string WireDataFramesSampled = "wire_data_frames_sampled";

    /// <summary>1 when a NetworkPolicy case's observed reachability equals the expected one.</summary>
    public const string CasePass = "case_pass";

    public const string CellsWrong = "cells_wrong";

    public const string ConformanceScorePercent = "conformance_score_percent";

    /// <summary>rr: request/response transactions completed per second, summed over the concurrent flows (sockperf ping-pong).</summary>
    public const string TransactionsPerSecond = "transactions_per_second";

    /// <summary>crr: new TCP connections (connect and close) completed per second, summed over the flows (iperf2 --connect-only).</summary>
    public const string ConnectionsPerSecond = "connections_per_second";

    /// <summary>
    /// rr: the round-trip time of one transaction (request out, response back); crr: the connect time (SYN to the
    /// handshake's end). Percentiles of the samples of every flow merged, never an average of per-flow percentiles.
    /// </summary>
    public const string LatencyP50Us = "latency_p50_us";
    public const string LatencyP90Us = "latency_p90_us";
    public const string LatencyP99Us = "latency_p99_us";
    public const string LatencyP999Us = "latency_p999_us";
    public const string LatencyP9999Us = "latency_p9999_us";
    public const string LatencyMaxUs = "latency_max_us";

    /// <summary>The metric of a reported latency percentile (50 → latency_p50_us); the rr test declares which it may report.</summary>
    public static string LatencyPercentileUs(double percentile) => percentile switch
    {
        50 => LatencyP50Us,
        90 => LatencyP90Us,
        99 => LatencyP99Us,
        99.9 => LatencyP999Us,
        99.99 => LatencyP9999Us,
        _ => throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "no metric is declared for this percentile"),
    };

    /// <summary>Kubernetes nodes' CPU over the measured window, from the kubelets' cumulative CPU time, in cores.</summary>
    public const string NodeCpuCores = "node_cpu_cores";

    public const string NodeMemoryBytes = "node_memory_bytes";

    /// <summary>From creating a measurement's Service until the client pod reached its ClusterIP (Kubernetes).</summary>
    public const string ServiceReadyMs = "service_ready_ms";

    public const string BitsPerSecond = "bit/s";
    public const string Count = "count";
    public const string Milliseconds = "ms";
    public const string Microseconds = "us";
    public const string Percent = "%";
    public const string Seconds = "s";
    public const string Cores = "cores";
    public const string Bytes = "bytes";
    public const string RequestsPerSecondUnit = "req/s";
    public const string TransactionsPerSecondUnit = "trans/s";
    public const string PacketsPerSecondUnit = "pkt/s";
    public const string ConnectionsPerSecondUnit = "conn/s";

    /// <summary>The unit of yes/no metrics (1 or 0).</summary>
    public const string Bool = "bool";
}
