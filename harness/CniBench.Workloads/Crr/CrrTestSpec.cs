using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Crr;

/// <summary>
/// What the <c>crr</c> test (a new TCP connection per transaction) varies: concurrent flows, one variant each. It sends
/// no message, so it has no protocol or size axis; it adds how many connections a flow opens and the conntrack flush.
/// </summary>
public sealed record CrrTestSpec : TestSettings
{
    public const string Name = "crr";

    /// <summary>Concurrent flows (iperf2 clients), each one its own variant.</summary>
    public IReadOnlyList<int> Flows { get; init; } = LatencySettings.DefaultFlows;

    /// <summary>Connect-time percentiles reported, ascending; the maximum is always reported too.</summary>
    public IReadOnlyList<double> Percentiles { get; init; } = LatencySettings.DefaultPercentiles;

    /// <summary>Connections each flow opens per repetition (a bounded load loop: iperf2 <c>--connect-only=N</c>).</summary>
    public int Connections { get; init; } = 5000;

    /// <summary>Flush conntrack on the client's and the server's node before each repetition, so no run inherits entries.</summary>
    public bool FlushConntrack { get; init; } = true;

    /// <summary>
    /// Destroy the client's TIME_WAIT sockets to the server before each repetition (ss -K): each holds a local port for
    /// 60 s, and a repetition that inherits thousands of them measures the kernel's port search, not the datapath.
    /// </summary>
    public bool ClearTimeWait { get; init; } = true;

    /// <summary>One planned variant per flow count; the flows are the variant's streams.</summary>
    public override IReadOnlyList<TestVariant> Variants() =>
        [.. Flows.Select(f => new TestVariant(LatencySettings.FlowsName(f), f))];
}
