using System.Globalization;
using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Rr;

/// <summary>
/// What the <c>rr</c> (request/response) and <c>crr</c> (a new TCP connection per transaction) tests vary and how.
/// Each list is one axis of the variant matrix; percentiles come from the merged samples of all flows.
/// </summary>
public sealed record LatencyTestSpec : TestSettings
{
    public const string Rr = "rr";
    public const string Crr = "crr";
    public const string Tcp = "tcp";
    public const string Udp = "udp";

    /// <summary>sockperf's smallest message: its own 14-byte header is the whole message.</summary>
    public const long MinMessageBytes = 14;

    /// <summary>The largest message one UDP datagram carries through every lab MTU without IP fragmentation games.</summary>
    public const long MaxMessageBytes = 65000;

    /// <summary>Concurrent flows are separate tool processes on consecutive ports, each needing a Service port: bounded.</summary>
    public const int MaxFlows = 8;

    public static IReadOnlyList<string> ProtocolNames { get; } = [Tcp, Udp];

    /// <summary>The percentiles a test may report: each has a declared metric (latency_p50_us …).</summary>
    public static IReadOnlyList<double> KnownPercentiles { get; } = [50, 90, 99, 99.9, 99.99];

    /// <summary>rr only: request/response over TCP, over UDP, or both (one variant each).</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [Tcp, Udp];

    /// <summary>rr only: request and response size in bytes; each is one variant.</summary>
    public IReadOnlyList<long> MessageSizesBytes { get; init; } = [MinMessageBytes, 1024];

    /// <summary>Concurrent flows (tool processes), each one its own variant.</summary>
    public IReadOnlyList<int> Flows { get; init; } = [1, 4];

    /// <summary>Latency percentiles reported, ascending; the maximum is always reported too.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = [50, 90, 99, 99.9];

    /// <summary>crr only: connections each flow opens per repetition (a bounded load loop: iperf2 <c>--connect-only=N</c>).</summary>
    public int Connections { get; init; } = 5000;

    /// <summary>crr only: flush conntrack on the client's and the server's node before each repetition, so no run inherits entries.</summary>
    public bool FlushConntrack { get; init; } = true;

    /// <summary>Which of the two tests these settings are for (<see cref="Rr"/> or <see cref="Crr"/>): it decides the variant axes.</summary>
    public string Test { get; init; } = Rr;

    /// <summary>The latency variants: protocol × size × flows for rr, flows for crr.</summary>
    public IReadOnlyList<LatencyVariant> LatencyVariants() => Test == Crr
        ? [.. Flows.Select(f => new LatencyVariant(Tcp, 0, f))]
        : [.. from protocol in Protocols from size in MessageSizesBytes from flows in Flows select new LatencyVariant(protocol, size, flows)];

    /// <summary>One planned variant per latency variant, carrying it as its parameters.</summary>
    public override IReadOnlyList<TestVariant> Variants() =>
        [.. LatencyVariants().Select(v => new TestVariant(v.Name, v.Flows) { Parameters = v })];
}

/// <summary>One rr or crr variant: protocol, message size (0 for crr, which sends none) and concurrent flows.</summary>
public sealed record LatencyVariant(string Protocol, long MessageBytes, int Flows)
{
    /// <summary><c>tcp-14B-1-flow</c> for rr, <c>1-flow</c> for crr.</summary>
    public string Name
    {
        get
        {
            var flows = Flows.ToString(CultureInfo.InvariantCulture) + (Flows == 1 ? "-flow" : "-flows");
            return MessageBytes == 0 ? flows : $"{Protocol}-{Quantities.FormatSize(MessageBytes)}-{flows}";
        }
    }
}
