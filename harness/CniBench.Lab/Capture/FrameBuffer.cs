namespace CniBench.Lab.Capture;

/// <summary>
/// Frames packed back to back in one array, each cut to a snap length, up to a frame and a byte bound.
/// Receives write straight into <see cref="NextSlot"/>, so keeping a frame costs no copy.
/// </summary>
internal sealed class FrameBuffer
{
    private readonly byte[] _arena;
    private readonly int[] _lengths;
    private readonly int _snapBytes;
    private int _used;

    public FrameBuffer(int maxFrames, int snapBytes, int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, snapBytes);
        _snapBytes = snapBytes;
        _lengths = new int[maxFrames];
        _arena = GC.AllocateUninitializedArray<byte>((int)Math.Min(maxBytes, (long)maxFrames * snapBytes));
    }

    /// <summary>
    /// Frames of at least this many bytes carry data: a pure ACK, ARP or keepalive is far smaller, and the lab's underlay
    /// carries nothing but the measured flow while it is sampled, so a data frame is a frame of that flow.
    /// </summary>
    public const int DataFrameBytes = 512;

    public int Count { get; private set; }

    /// <summary>Frames of at least <see cref="DataFrameBytes"/> (counted as received, before the snap length).</summary>
    public int DataFrames { get; private set; }

    public long BytesKept => _used;

    /// <summary>Null while another frame fits; else which bound was reached.</summary>
    public WireSampleEnd? Limit =>
        Count >= _lengths.Length ? WireSampleEnd.FrameLimit
        : _arena.Length - _used < _snapBytes ? WireSampleEnd.ByteLimit
        : null;

    /// <summary>Where the next frame goes: exactly one snap length. Only valid while <see cref="Limit"/> is null.</summary>
    public Span<byte> NextSlot()
    {
        if (Limit is { } limit)
        {
            throw new InvalidOperationException($"the buffer is full ({limit})");
        }

        return _arena.AsSpan(_used, _snapBytes);
    }

    /// <summary>Keeps the first <paramref name="length"/> bytes written to the last slot (a receive may report more).</summary>
    public void Commit(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _ = NextSlot();
        var kept = Math.Min(length, _snapBytes);
        DataFrames += length >= DataFrameBytes ? 1 : 0;
        _lengths[Count++] = kept;
        _used += kept;
    }

    public ReadOnlySpan<byte> Frame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var start = 0;
        for (var i = 0; i < index; i++)
        {
            start += _lengths[i];
        }

        return _arena.AsSpan(start, _lengths[index]);
    }

    /// <summary>Whether any single frame holds the marker; frames are searched apart, never across a boundary.</summary>
    public bool AnyFrameContains(ReadOnlySpan<byte> marker)
    {
        var start = 0;
        for (var i = 0; i < Count; i++)
        {
            if (WireMarker.OccursIn(_arena.AsSpan(start, _lengths[i]), marker))
            {
                return true;
            }

            start += _lengths[i];
        }

        return false;
    }
}
