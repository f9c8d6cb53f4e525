namespace CniBench.Workloads.Udp;

/// <summary>
/// The UDP capacity search: a fixed offered rate measures the host's mood, not the path, so this finds the highest
/// offered rate whose loss stays under <see cref="LossBoundPercent"/>, within <see cref="MaxProbes"/> runs of
/// <see cref="ProbeDuration"/> each (bounded in count and time), starting at <see cref="CeilingBps"/>.
/// </summary>
public sealed record UdpCapacitySpec
{
    public const string VariantName = "capacity";

    public double LossBoundPercent { get; init; } = 1;

    public long CeilingBps { get; init; } = 10_000_000_000;

    public int MaxProbes { get; init; } = 7;

    public TimeSpan ProbeDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The search stops when the bracket is narrower than this share of its upper end.</summary>
    public double Precision { get; init; } = 0.05;
}
