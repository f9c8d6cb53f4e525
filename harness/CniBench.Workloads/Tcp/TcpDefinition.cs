using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;

namespace CniBench.Workloads.Tcp;

/// <summary>The <c>tcp</c> test: iperf3 throughput, one variant per stream count and per pacing rate.</summary>
public sealed class TcpDefinition : ITestKindDefinition
{
    public string Name => TcpKind.TestName;

    public TestSpec Read(TestReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var (duration, warmup, streams) = Iperf3Entry.Read(reader);
        var defaults = new TcpTestSpec();
        var paced = new List<long>();
        foreach (var item in reader.Map.Value("bitrate")?.Items() ?? [])
        {
            if (item.Text is { } text && Quantities.TryParseBitrate(text, out var bps))
            {
                paced.Add(bps);
            }
            else
            {
                item.Error("tcp.bitrate must be a rate to pace one stream to, such as 200M or 1G (bit/s, decimal units): CPU cost is compared at that common rate");
            }
        }

        // An entry that gives only a pacing rate measures only at that rate (a CPU-cost entry beside the throughput one).
        return reader.NodeSpec(duration, warmup, defaults with
        {
            Streams = streams.Count > 0 ? streams : paced.Count > 0 ? [] : defaults.Streams,
            PacedBitratesBps = [.. paced.Distinct()],
        });
    }

    public ITestKind CreateRunner(TimeProvider time) => new TcpKind(new Iperf3Driver());

    public MetricDeclarations Metrics => TcpMetrics.Declarations;
}
