using CniBench.Core.Kinds;
using CniBench.Core.Planning;

namespace CniBench.Workloads.Tcp;

/// <summary>What a <c>tcp</c> test varies: the number of parallel iperf3 streams, one variant each.</summary>
public sealed record TcpTestSpec : TestSettings
{
    public IReadOnlyList<int> Streams { get; init; } = [1];

    public override IReadOnlyList<TestVariant> Variants() =>
        [.. Streams.Select(streams => new TestVariant(RunPlanner.StreamsLabel(streams), streams))];
}
