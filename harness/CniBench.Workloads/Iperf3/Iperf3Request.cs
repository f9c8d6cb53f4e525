using System.Net;

namespace CniBench.Workloads.Iperf3;

/// <summary>What one iperf3 measurement should do; the server address comes from the server host.</summary>
public sealed record Iperf3Request
{
    public required TimeSpan Duration { get; init; }

    /// <summary>Measured by iperf3 but left out of its totals (<c>-O</c>).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    public int Streams { get; init; } = 1;

    /// <summary>Null for TCP; for UDP the total offered rate in bit/s, shared evenly by the streams.</summary>
    public long? UdpBitrateBps { get; init; }

    /// <summary>
    /// TCP only: the total rate iperf3 paces its streams to (<c>-b</c> without <c>-u</c>), so datapaths can be compared
    /// at one common offered rate; null sends as fast as the path takes.
    /// </summary>
    public long? TcpPacedBitrateBps { get; init; }

    /// <summary>UDP only: the datagram payload in bytes (<c>-l</c>); null leaves iperf3's default (the path MTU's worth).</summary>
    public long? UdpPayloadBytes { get; init; }

    public bool IsUdp => UdpBitrateBps is not null;
}

/// <summary>The client's full argv input: a request aimed at one server.</summary>
public sealed record Iperf3ClientOptions(IPAddress Server, int Port, Iperf3Request Request, TimeSpan ConnectTimeout);
