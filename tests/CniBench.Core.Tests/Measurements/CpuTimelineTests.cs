using CniBench.Core.Measurements;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Core.Tests.Measurements;

public sealed class CpuTimelineTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static CpuSnapshot Busy(double busySeconds, double atSeconds) => new(
        TimeSpan.FromSeconds(busySeconds), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(2 * atSeconds), TimeSpan.Zero, T0.AddSeconds(atSeconds));

    [Fact]
    public void At_BetweenTwoSamples_InterpolatesTheCounters()
    {
        var timeline = new CpuTimeline();
        timeline.Add(Busy(0, 0));
        timeline.Add(Busy(4, 2));

        var middle = timeline.At(T0.AddSeconds(0.5))!;

        Assert.Equal(1, middle.User.TotalSeconds, 9);
        Assert.Equal(1, middle.Total.TotalSeconds, 9);
        Assert.Equal(T0.AddSeconds(0.5), middle.At);
    }

    [Fact]
    public void At_OutsideTheSampledSpan_IsNullRatherThanExtrapolated()
    {
        var timeline = new CpuTimeline();
        timeline.Add(Busy(0, 1));
        timeline.Add(Busy(1, 2));

        Assert.Null(timeline.At(T0.AddSeconds(0.9)));
        Assert.Null(timeline.At(T0.AddSeconds(2.1)));
        Assert.NotNull(timeline.At(T0.AddSeconds(2)));
    }

    [Fact]
    public void Over_WindowAfterABusyWarmup_ChargesOnlyTheWindow()
    {
        // Two cores busy during a 2 s warm-up, then one core for the 2 s the tool measured.
        var timeline = new CpuTimeline();
        foreach (var (busy, at) in new[] { (0.0, 0.0), (2.0, 1.0), (4.0, 2.0), (5.0, 3.0), (6.0, 4.0) })
        {
            timeline.Add(Busy(busy, at));
        }

        var (start, end) = timeline.Over(new MeasuredWindow(T0.AddSeconds(4), TimeSpan.FromSeconds(2)))!.Value;
        var (first, last) = timeline.Whole()!.Value;

        Assert.Equal(1, end.BusyCores(start), 9);
        Assert.Equal(1.5, last.BusyCores(first), 9);
    }

    [Fact]
    public void Add_OutOfOrder_Throws()
    {
        var timeline = new CpuTimeline();
        timeline.Add(Busy(0, 2));

        Assert.Throws<ArgumentException>(() => timeline.Add(Busy(0, 1)));
    }

    [Fact]
    public async Task CpuRecording_SamplesOnEachTickAndOnStop()
    {
        var time = new FakeTimeProvider(T0);
        var sampler = new ClockSampler(time);

        var recording = CpuRecording.Start(sampler, time, TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await UntilAsync(() => recording.Timeline.Count == i + 2);
        }

        time.Advance(TimeSpan.FromMilliseconds(50));
        var timeline = await recording.StopAsync();

        // The opening read, five ticks and the closing read.
        Assert.Equal(7, timeline.Count);
        Assert.Equal(T0.AddMilliseconds(550), timeline.Whole()!.Value.Last.At);
        await recording.DisposeAsync();
        Assert.Equal(7, timeline.Count);
    }

    /// <summary>The sampling loop runs on the thread pool after a tick; waits (boundedly) until it has caught up.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 500 && !condition(); attempt++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }

    /// <summary>One core busy all the time, dated by the fake clock.</summary>
    private sealed class ClockSampler(TimeProvider time) : ICpuSampler
    {
        public CpuSnapshot Read()
        {
            var at = time.GetUtcNow();
            var elapsed = at - T0;
            return new CpuSnapshot(elapsed, TimeSpan.Zero, TimeSpan.Zero, elapsed * 2, TimeSpan.Zero, at);
        }
    }
}
