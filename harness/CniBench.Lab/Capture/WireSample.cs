namespace CniBench.Lab.Capture;

/// <summary>Why a capture loop ended.</summary>
public enum WireSampleEnd
{
    Stopped,
    FrameLimit,
    ByteLimit,
    TimeLimit,
    Failed,
}

/// <summary>What a capture saw: frames kept, bytes kept, whether the marker was in any of them, and why it ended.</summary>
public sealed record WireSample(int FramesSampled, long BytesKept, bool MarkerSeen, WireSampleEnd End)
{
    /// <summary>Set when <see cref="End"/> is <see cref="WireSampleEnd.Failed"/>: the receive error.</summary>
    public string? Error { get; init; }

    /// <summary>Frames big enough to carry the measured flow's data; "no plaintext" means something only when there are enough.</summary>
    public int DataFramesSampled { get; init; }
}
