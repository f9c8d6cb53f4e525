using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Tcp;

/// <summary>
/// What a <c>tcp</c> test varies: the number of parallel iperf3 streams, one variant each, and rates to pace one stream
/// to (<c>paced-200M</c>): at saturation every datapath keeps a small host busy, so CPU cost separates datapaths only at
/// a rate they all sustain.
/// </summary>
public sealed record TcpTestSpec : TestSettings
{
    public const string PacedPrefix = "paced-";

    public IReadOnlyList<int> Streams { get; init; } = [1];

    public IReadOnlyList<long> PacedBitratesBps { get; init; } = [];

    public override IReadOnlyList<TestVariant> Variants() =>
    [
        .. Streams.Select(streams => new TestVariant(RunPlanner.StreamsLabel(streams), streams)),
        .. PacedBitratesBps.Select(bps => new TestVariant(PacedPrefix + Quantities.FormatBitrate(bps), 1, bps)),
    ];

    public static bool IsPaced(string variant) => variant.StartsWith(PacedPrefix, StringComparison.Ordinal);
}
