using System.Globalization;
using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Udp;

/// <summary>The <c>udp</c> test: iperf3 at fixed offered rates (<c>bitrate</c>), or the capacity search under a loss bound.</summary>
public sealed class UdpDefinition : ITestKindDefinition
{
    /// <summary>iperf3's UDP header (sequence number and timestamp) needs 16 bytes; one datagram carries at most 65000 here.</summary>
    private const long MinPayloadBytes = 16;

    private const long MaxPayloadBytes = 65000;

    public string Name => UdpKind.TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var map = reader.Map;
        var (duration, warmup, streams) = Iperf3Entry.Read(reader);
        var bitrates = new List<long>();
        UdpCapacitySpec? capacity = null;
        if (map.Value("bitrate") is { } bitrate)
        {
            foreach (var item in bitrate.Items())
            {
                if (item.Text == UdpCapacitySpec.VariantName)
                {
                    capacity = new UdpCapacitySpec();
                }
                else if (item.Text is { } text && Quantities.TryParseBitrate(text, out var bps))
                {
                    bitrates.Add(bps);
                }
                else
                {
                    item.Error("udp.bitrate must be a target rate such as 100M, 1G or 2.5G (bit/s, decimal units), or 'capacity' (search the highest rate under the loss bound)");
                }
            }
        }
        else
        {
            map.Error("udp needs 'bitrate', a target send rate such as 1G or 'capacity': unlimited UDP measures only loss");
        }

        if (map.Value("lossBound") is { } bound)
        {
            if (capacity is null)
            {
                bound.Error("udp.lossBound applies only to 'bitrate: capacity'");
            }
            else if (bound.Text is { } text && TryParsePercent(text, out var percent) && percent is > 0 and <= 50)
            {
                capacity = capacity with { LossBoundPercent = percent };
            }
            else
            {
                bound.Error("udp.lossBound must be a loss percentage above 0 and at most 50, such as 1% or 0.5%");
            }
        }

        long? payload = null;
        if (map.Value("payload") is { } payloadValue)
        {
            if (payloadValue.Text is { } text && Quantities.TryParseSize(text, out var bytes) && bytes is >= MinPayloadBytes and <= MaxPayloadBytes)
            {
                payload = bytes;
            }
            else
            {
                payloadValue.Error($"udp.payload must be a datagram payload from {MinPayloadBytes}B to {MaxPayloadBytes}B such as 64B (the small-packet rate) or 1KiB");
            }
        }

        var defaults = new UdpTestSpec();
        return reader.NodeSpec(duration, warmup, defaults with
        {
            Streams = streams.Count > 0 ? streams : defaults.Streams,
            BitratesBps = bitrates.Distinct().ToList(),
            Capacity = capacity,
            PayloadBytes = payload,
        });
    }

    public ITestKind CreateRunner(TimeProvider time) => new UdpKind(new Iperf3Driver());

    public MetricDeclarations Metrics => UdpMetrics.Declarations;

    private static bool TryParsePercent(string text, out double percent) =>
        double.TryParse(text.Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out percent);
}
