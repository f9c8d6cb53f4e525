using System.Text;
using CniBench.Lab.Capture;

namespace CniBench.Lab.Tests.Capture;

public sealed class WireMarkerTests
{
    /// <summary>What iperf3 3.12 writes with --repeating-payload: '0' + (i mod 10), from the start of its buffer.</summary>
    private static byte[] Iperf3Pattern(int phase, int length) =>
        [.. Enumerable.Range(phase, length).Select(i => (byte)('0' + (i % 10)))];

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void OccursIn_RepeatingPayloadOf29BytesAtAnyPhase_True(int phase)
    {
        Assert.True(WireMarker.OccursIn(Iperf3Pattern(phase, 29), WireMarker.Iperf3RepeatingPayload));
    }

    [Fact]
    public void OccursIn_RepeatingPayloadTooShortForTheMarkerAtThisPhase_False()
    {
        // Starting at '1', the first '0' is at offset 9, so 28 bytes end one short of a full marker.
        Assert.False(WireMarker.OccursIn(Iperf3Pattern(1, 28), WireMarker.Iperf3RepeatingPayload));
    }

    [Fact]
    public void OccursIn_MarkerAfterFrameHeaders_True()
    {
        var frame = new byte[1514];
        Random.Shared.NextBytes(frame);
        Iperf3Pattern(0, 100).CopyTo(frame, 116);

        Assert.True(WireMarker.OccursIn(frame, WireMarker.Iperf3RepeatingPayload));
    }

    [Fact]
    public void OccursIn_RandomBytes_False()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var frame = new byte[1514];
            random.NextBytes(frame);
            Assert.False(WireMarker.OccursIn(frame, WireMarker.Iperf3RepeatingPayload));
        }
    }

    [Fact]
    public void OccursIn_OneByteDiffers_False()
    {
        var frame = Iperf3Pattern(0, 20);
        frame[10] = (byte)'x';

        Assert.False(WireMarker.OccursIn(frame, WireMarker.Iperf3RepeatingPayload));
    }

    [Fact]
    public void OccursIn_EmptyMarker_False()
    {
        Assert.False(WireMarker.OccursIn(Iperf3Pattern(0, 40), []));
    }

    [Fact]
    public void Iperf3RepeatingPayload_Always_IsTwoRunsOfTheTenDigits()
    {
        Assert.Equal("01234567890123456789", Encoding.ASCII.GetString(WireMarker.Iperf3RepeatingPayload));
    }
}
