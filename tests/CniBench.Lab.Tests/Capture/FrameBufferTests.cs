using CniBench.Lab.Capture;

namespace CniBench.Lab.Tests.Capture;

public sealed class FrameBufferTests
{
    private static readonly byte[] Marker = WireMarker.Iperf3RepeatingPayload.ToArray();

    private static void Add(FrameBuffer buffer, byte[] frame)
    {
        var slot = buffer.NextSlot();
        var written = Math.Min(frame.Length, slot.Length);
        frame.AsSpan(0, written).CopyTo(slot);
        // Like recv on a packet socket: the length reported may be the frame's, not what fit.
        buffer.Commit(frame.Length);
    }

    [Fact]
    public void Commit_FrameLongerThanSnap_KeepsSnapBytes()
    {
        var buffer = new FrameBuffer(maxFrames: 4, snapBytes: 64, maxBytes: 1024);

        Add(buffer, new byte[1500]);

        Assert.Equal(1, buffer.Count);
        Assert.Equal(64, buffer.BytesKept);
        Assert.Equal(64, buffer.Frame(0).Length);
    }

    [Fact]
    public void DataFrames_AcksAndDataSegments_CountsOnlyFramesBigEnoughForData()
    {
        var buffer = new FrameBuffer(maxFrames: 8, snapBytes: 64, maxBytes: 1024);

        Add(buffer, new byte[66]);
        Add(buffer, new byte[1514]);
        Add(buffer, new byte[FrameBuffer.DataFrameBytes - 1]);
        Add(buffer, new byte[FrameBuffer.DataFrameBytes]);

        Assert.Equal(4, buffer.Count);
        Assert.Equal(2, buffer.DataFrames);
    }

    [Fact]
    public void Limit_MaxFramesReached_FrameLimitAndNoMoreSlots()
    {
        var buffer = new FrameBuffer(maxFrames: 3, snapBytes: 64, maxBytes: 1 << 20);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(buffer.Limit);
            Add(buffer, new byte[60]);
        }

        Assert.Equal(WireSampleEnd.FrameLimit, buffer.Limit);
        Assert.Equal(3, buffer.Count);
        _ = Assert.Throws<InvalidOperationException>(() => buffer.NextSlot());
    }

    [Fact]
    public void Limit_MaxBytesReached_ByteLimitAndBytesKeptWithinBound()
    {
        var buffer = new FrameBuffer(maxFrames: 1000, snapBytes: 100, maxBytes: 1000);
        while (buffer.Limit is null)
        {
            Add(buffer, new byte[1500]);
        }

        Assert.Equal(WireSampleEnd.ByteLimit, buffer.Limit);
        Assert.Equal(10, buffer.Count);
        Assert.Equal(1000, buffer.BytesKept);
    }

    [Fact]
    public void Limit_SmallFrames_PackedSoMoreFitThanWholeSnaps()
    {
        var buffer = new FrameBuffer(maxFrames: 1000, snapBytes: 100, maxBytes: 1000);
        while (buffer.Limit is null)
        {
            Add(buffer, new byte[60]);
        }

        // A slot is only opened while a whole snap still fits: 15 x 60 = 900 leaves 100, one more makes 960.
        Assert.Equal(16, buffer.Count);
        Assert.Equal(960, buffer.BytesKept);
    }

    [Fact]
    public void AnyFrameContains_MarkerInThirdFrame_True()
    {
        var buffer = new FrameBuffer(maxFrames: 10, snapBytes: 128, maxBytes: 4096);
        Add(buffer, new byte[80]);
        Add(buffer, new byte[90]);
        var third = new byte[100];
        Marker.CopyTo(third, 50);
        Add(buffer, third);

        Assert.True(buffer.AnyFrameContains(Marker));
        Assert.Equal(third, buffer.Frame(2).ToArray());
    }

    [Fact]
    public void AnyFrameContains_MarkerSplitAcrossTwoFrames_False()
    {
        var buffer = new FrameBuffer(maxFrames: 10, snapBytes: 128, maxBytes: 4096);
        var first = new byte[40];
        Marker.AsSpan(0, 10).CopyTo(first.AsSpan(30));
        Add(buffer, first);
        Add(buffer, Marker[10..]);

        Assert.False(buffer.AnyFrameContains(Marker));
    }

    [Fact]
    public void AnyFrameContains_MarkerBeyondSnap_False()
    {
        var buffer = new FrameBuffer(maxFrames: 10, snapBytes: 64, maxBytes: 4096);
        var frame = new byte[200];
        Marker.CopyTo(frame, 100);
        Add(buffer, frame);

        Assert.False(buffer.AnyFrameContains(Marker));
    }
}
