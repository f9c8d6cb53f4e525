using CniBench.Core.Kinds;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Workloads.Udp;

/// <summary>
/// What a <c>udp</c> test varies: one variant per offered rate and stream count, and with <see cref="Capacity"/> one
/// capacity search per stream count after them.
/// </summary>
public sealed record UdpTestSpec : TestSettings
{
    /// <summary>Parallel streams; each value multiplies the variants.</summary>
    public IReadOnlyList<int> Streams { get; init; } = [1];

    /// <summary>Target bitrates in bit/s; each value is one variant.</summary>
    public IReadOnlyList<long> BitratesBps { get; init; } = [];

    /// <summary>Also search the highest offered rate whose loss stays under a bound (<c>bitrate: capacity</c>).</summary>
    public UdpCapacitySpec? Capacity { get; init; }

    /// <summary>The datagram payload (iperf3 -l), e.g. 64 for the small-packet rate; null is iperf3's default.</summary>
    public long? PayloadBytes { get; init; }

    /// <summary>A test with its own datagram payload names it in every variant (<c>capacity-64B</c>), so it never mixes with full-size runs.</summary>
    public override IReadOnlyList<TestVariant> Variants() =>
        PayloadBytes is { } payload ? [.. SizedVariants().Select(v => v with { Name = $"{v.Name}-{Quantities.FormatSize(payload)}" })] : SizedVariants();

    private List<TestVariant> SizedVariants() =>
    [
        .. BitratesBps.SelectMany(bps => Streams.Select(streams => new TestVariant(
            streams == 1 ? Quantities.FormatBitrate(bps) : $"{Quantities.FormatBitrate(bps)}-{RunPlanner.StreamsLabel(streams)}", streams, bps))),
        .. Capacity is { } capacity
            ? Streams.Select(streams => new TestVariant(
                streams == 1 ? UdpCapacitySpec.VariantName : $"{UdpCapacitySpec.VariantName}-{RunPlanner.StreamsLabel(streams)}", streams) { Parameters = capacity })
            : [],
    ];
}
