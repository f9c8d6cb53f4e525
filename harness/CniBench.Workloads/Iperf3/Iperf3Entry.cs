using CniBench.Core.Kinds;

namespace CniBench.Workloads.Iperf3;

/// <summary>
/// What a tcp and a udp test entry share: iperf3 takes its times in whole seconds (-t, -O), and both vary the number
/// of parallel streams.
/// </summary>
internal static class Iperf3Entry
{
    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(1);

    /// <summary><c>duration</c>, <c>warmup</c> and <c>streams</c> (1 to 128 each, without repeats; empty when absent).</summary>
    public static (TimeSpan Duration, TimeSpan Warmup, IReadOnlyList<int> Streams) Read(TestReader reader)
    {
        var duration = reader.MeasuredDuration("iperf3's -t", DefaultDuration);
        var warmup = reader.Warmup("iperf3's -O", DefaultWarmup);
        var streams = new List<int>();
        foreach (var item in reader.Map.Value("streams")?.Items() ?? [])
        {
            if (item.Int(1, 128) is { } s)
            {
                streams.Add(s);
            }
        }

        return (duration, warmup, streams.Distinct().ToList());
    }
}
