using CniBench.Core.Measurements;

namespace CniBench.Workloads.Iperf3;

/// <summary>What one iperf3 client run yielded: a TCP or UDP figure set, or a failure with iperf3's own words.</summary>
public abstract record Iperf3Result;

/// <summary>What iperf3 says of its own run, common to TCP and UDP.</summary>
/// <param name="MeasuredSeconds">The length its figures cover (the receiver's, after the -O warm-up).</param>
/// <param name="ClientCpuPercent">The client process's CPU over its run, in % of one core (end.cpu_utilization_percent.host_total).</param>
/// <param name="ServerCpuPercent">The server process's, as the server reported it (remote_total).</param>
public sealed record Iperf3RunFacts(double? MeasuredSeconds, double? ClientCpuPercent, double? ServerCpuPercent)
{
    public static Iperf3RunFacts None { get; } = new(null, null, null);

    public IEnumerable<Observation> ToObservations()
    {
        if (ClientCpuPercent is { } client)
        {
            yield return new(Metrics.ToolClientCpuPercent, client, Metrics.Percent);
        }

        if (ServerCpuPercent is { } server)
        {
            yield return new(Metrics.ToolServerCpuPercent, server, Metrics.Percent);
        }
    }
}

/// <summary>TCP totals: the receiver's rate is the figure that counts; the sender's may include data still in flight.</summary>
public sealed record Iperf3TcpResult(
    double ReceiverBitsPerSecond,
    double SenderBitsPerSecond,
    long? Retransmits,
    int Streams) : Iperf3Result
{
    public Iperf3RunFacts Run { get; init; } = Iperf3RunFacts.None;

    public IReadOnlyList<Observation> ToObservations()
    {
        List<Observation> observations = [new(Metrics.ThroughputBps, ReceiverBitsPerSecond, Metrics.BitsPerSecond), .. Run.ToObservations()];
        // Retransmits come from TCP_INFO, which iperf3 reads only on Linux and a few other systems.
        if (Retransmits is { } retransmits)
        {
            observations.Add(new(Metrics.Retransmits, retransmits, Metrics.Count));
        }

        return observations;
    }
}

/// <summary>UDP totals as the receiver saw them: rate, jitter and loss.</summary>
public sealed record Iperf3UdpResult(
    double ReceiverBitsPerSecond,
    double SenderBitsPerSecond,
    double JitterMs,
    long LostPackets,
    long Packets,
    double LostPercent,
    int Streams) : Iperf3Result
{
    public Iperf3RunFacts Run { get; init; } = Iperf3RunFacts.None;

    public IReadOnlyList<Observation> ToObservations() =>
    [
        new(Metrics.ThroughputBps, ReceiverBitsPerSecond, Metrics.BitsPerSecond),
        new(Metrics.JitterMs, JitterMs, Metrics.Milliseconds),
        new(Metrics.LostPercent, LostPercent, Metrics.Percent),
        .. Run.ToObservations(),
    ];
}

/// <summary>The run produced no usable figures; <see cref="Reason"/> is short and says why.</summary>
public sealed record Iperf3Failure(string Reason) : Iperf3Result;
