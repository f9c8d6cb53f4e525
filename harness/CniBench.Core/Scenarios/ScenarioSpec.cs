namespace CniBench.Core.Scenarios;

/// <summary>A scenario as the user wrote it, after validation. Immutable.</summary>
public sealed record ScenarioSpec
{
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    /// <summary>Where the scenario came from, for error messages and run.json.</summary>
    public string SourcePath { get; init; } = "";

    public string Provider { get; init; } = "lab";

    public required IReadOnlyList<string> Cnis { get; init; }

    /// <summary>Measure the node-to-node underlay too, so each CNI can be reported as a percentage of it.</summary>
    public bool Underlay { get; init; } = true;

    public int Repetitions { get; init; } = 3;

    public LabSpec Lab { get; init; } = new();

    /// <summary>Clusters, images and permissions for <c>provider: kubernetes</c>.</summary>
    public KubernetesSpec? Kubernetes { get; init; }

    public required IReadOnlyList<TestSpec> Tests { get; init; }
}

public sealed record LabSpec
{
    public int Nodes { get; init; } = 3;

    public int PodsPerNode { get; init; } = 2;

    /// <summary>MTU of the underlay links; each CNI model derives its pod MTU from it.</summary>
    public int Mtu { get; init; } = 1500;
}

/// <summary>One test entry of a scenario, e.g. <c>tcp</c> with its parameters.</summary>
public sealed record TestSpec
{
    public required string Test { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Warm-up that the tool measures but leaves out of its figures (iperf3 -O).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Parallel streams; each value is one variant (tcp), or the single stream count (udp).</summary>
    public IReadOnlyList<int> Streams { get; init; } = [1];

    /// <summary>Target bitrate for UDP, in bit/s; each value is one variant.</summary>
    public IReadOnlyList<long> BitratesBps { get; init; } = [];

    public IReadOnlyList<string> Topologies { get; init; } = ["same-node", "cross-node"];

    /// <summary>Overrides the scenario's repetitions for this test.</summary>
    public int? Repetitions { get; init; }

    /// <summary>udp only: the datagram payload (iperf3 -l), e.g. 64 for the small-packet rate; null is iperf3's default.</summary>
    public long? UdpPayloadBytes { get; init; }

    /// <summary>udp only: also search the highest offered rate whose loss stays under a bound (<c>bitrate: capacity</c>).</summary>
    public UdpCapacitySpec? UdpCapacity { get; init; }

    /// <summary>Network-policy settings; only for the <c>netpol</c> test.</summary>
    public NetpolTestSpec? Netpol { get; init; }

    /// <summary>HTTP load settings; only for the <c>http</c> test.</summary>
    public HttpTestSpec? Http { get; init; }

    /// <summary>Controllers, load and churn settings; only for the <c>ingress</c> test.</summary>
    public IngressTestSpec? Ingress { get; init; }

    /// <summary>Protocols, sizes, flows and percentiles; only for the <c>rr</c> and <c>crr</c> tests.</summary>
    public Latency.LatencyTestSpec? Latency { get; init; }
}

/// <summary>
/// The UDP capacity search: a fixed offered rate measures the host's mood, not the path, so this finds the highest
/// offered rate whose loss stays under <see cref="LossBoundPercent"/>, within <see cref="MaxProbes"/> runs of
/// <see cref="ProbeDuration"/> each (bounded in count and time), starting at <see cref="CeilingBps"/>.
/// </summary>
public sealed record UdpCapacitySpec
{
    public const string VariantName = "capacity";

    public double LossBoundPercent { get; init; } = 1;

    public long CeilingBps { get; init; } = 10_000_000_000;

    public int MaxProbes { get; init; } = 7;

    public TimeSpan ProbeDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The search stops when the bracket is narrower than this share of its upper end.</summary>
    public double Precision { get; init; } = 0.05;
}

/// <summary>What the <c>ingress</c> test varies (one variant per controller) and how it loads and churns them.</summary>
public sealed record IngressTestSpec
{
    public const string Yarp = "yarp";
    public const string Nginx = "nginx";
    public const string Haproxy = "haproxy";

    /// <summary>The variant without a controller: the client loads a backend on its own node (the generator's ceiling).</summary>
    public const string Direct = "direct";

    /// <summary>Appended to a controller's name for its TLS-terminating variant, e.g. <c>nginx-tls</c>.</summary>
    public const string TlsSuffix = "-tls";

    public static IReadOnlyList<string> ControllerNames { get; } = [Yarp, Nginx, Haproxy];

    public IReadOnlyList<string> Controllers { get; init; } = ControllerNames;

    /// <summary>Also measure the <see cref="Direct"/> variant.</summary>
    public bool IncludeDirect { get; init; } = true;

    public long PayloadBytes { get; init; } = 1024;

    /// <summary><c>keepalive</c> or <c>close</c>, as for <c>http</c>.</summary>
    public string ConnectionMode { get; init; } = HttpTestSpec.KeepAlive;

    public int Connections { get; init; } = 32;

    public int Threads { get; init; } = 2;

    /// <summary>Length of the churn phase (1-second load slices while backends and routes change); zero skips it.</summary>
    public TimeSpan Churn { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Also measure each controller terminating TLS (variant <c>&lt;controller&gt;-tls</c>); <c>direct</c> stays plain HTTP.</summary>
    public bool Tls { get; init; }

    /// <summary>The controller a variant runs and whether it terminates TLS: <c>nginx-tls</c> → (nginx, true).</summary>
    public static (string Controller, bool Tls) ParseVariant(string variant)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant.EndsWith(TlsSuffix, StringComparison.Ordinal) && variant.Length > TlsSuffix.Length
            ? (variant[..^TlsSuffix.Length], true)
            : (variant, false);
    }
}

/// <summary>What the <c>http</c> test varies: payloads × connection modes × load modes, with wrk's load shape.</summary>
public sealed record HttpTestSpec
{
    public const string KeepAlive = "keepalive";
    public const string Close = "close";
    public const string Saturation = "saturation";
    public const string FixedRate = "fixed-rate";

    public static IReadOnlyList<string> ConnectionModeNames { get; } = [KeepAlive, Close];

    public static IReadOnlyList<string> LoadModeNames { get; } = [Saturation, FixedRate];

    /// <summary>Response body sizes in bytes; each is one payload file the server serves.</summary>
    public IReadOnlyList<long> PayloadsBytes { get; init; } = [1024, 100 * 1024];

    /// <summary>Open connections wrk keeps (<c>-c</c>).</summary>
    public int Connections { get; init; } = 32;

    /// <summary>wrk threads (<c>-t</c>); never more than connections.</summary>
    public int Threads { get; init; } = 2;

    /// <summary><c>keepalive</c> reuses connections; <c>close</c> opens a new one per request.</summary>
    public IReadOnlyList<string> ConnectionModes { get; init; } = [KeepAlive, Close];

    /// <summary><c>saturation</c> (maximum rate) and <c>fixed-rate</c> (latency at half the saturation rate).</summary>
    public IReadOnlyList<string> LoadModes { get; init; } = [Saturation, FixedRate];
}

/// <summary>Which policy cases to run, against which model, and how to probe.</summary>
public sealed record NetpolTestSpec
{
    /// <summary>Folder of case files (one YAML file of NetworkPolicies per case).</summary>
    public string Suite { get; init; } = Path.Combine("manifests", "netpol");

    /// <summary>Case names to run (file names without .yaml); empty means every case in the suite.</summary>
    public IReadOnlyList<string> Cases { get; init; } = [];

    /// <summary>A model file (namespaces, pods, labels, ports); null means the upstream x/y/z × a/b/c model.</summary>
    public string? Model { get; init; }

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Probe rounds per case, all recorded: a cell that flaps between rounds fails.</summary>
    public int Samples { get; init; } = 2;

    /// <summary>Grade pod-to-itself cells too (CNIs differ on hairpin traffic; upstream ignores them).</summary>
    public bool GradeSelfTraffic { get; init; }
}
