using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Rr;

/// <summary>
/// What the <c>rr</c> (request/response) test varies: protocol × message size × concurrent flows, one variant each.
/// Percentiles come from the merged samples of all flows.
/// </summary>
public sealed record RrTestSpec : TestSettings
{
    public const string Name = "rr";
    public const string Tcp = "tcp";
    public const string Udp = "udp";

    /// <summary>sockperf's smallest message: its own 14-byte header is the whole message.</summary>
    public const long MinMessageBytes = 14;

    /// <summary>The largest message one UDP datagram carries through every lab MTU without IP fragmentation games.</summary>
    public const long MaxMessageBytes = 65000;

    public static IReadOnlyList<string> ProtocolNames { get; } = [Tcp, Udp];

    /// <summary>Request/response over TCP, over UDP, or both (one variant each).</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [Tcp, Udp];

    /// <summary>Request and response size in bytes; each is one variant.</summary>
    public IReadOnlyList<long> MessageSizesBytes { get; init; } = [MinMessageBytes, 1024];

    /// <summary>Concurrent flows (tool processes), each one its own variant.</summary>
    public IReadOnlyList<int> Flows { get; init; } = LatencySettings.DefaultFlows;

    /// <summary>Latency percentiles reported, ascending; the maximum is always reported too.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = LatencySettings.DefaultPercentiles;

    public IReadOnlyList<RrVariant> RrVariants() =>
        [.. from protocol in Protocols from size in MessageSizesBytes from flows in Flows select new RrVariant(protocol, size, flows)];

    /// <summary>One planned variant per protocol, size and flow count, carrying it as its parameters.</summary>
    public override IReadOnlyList<TestVariant> Variants() =>
        [.. RrVariants().Select(v => new TestVariant(v.Name, v.Flows) { Parameters = v })];
}

/// <summary>One rr variant: protocol, message size and concurrent flows.</summary>
public sealed record RrVariant(string Protocol, long MessageBytes, int Flows)
{
    /// <summary><c>tcp-14B-1-flow</c>.</summary>
    public string Name => $"{Protocol}-{Quantities.FormatSize(MessageBytes)}-{LatencySettings.FlowsName(Flows)}";
}
