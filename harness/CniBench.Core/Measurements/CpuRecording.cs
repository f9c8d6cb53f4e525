namespace CniBench.Core.Measurements;

/// <summary>
/// Samples host CPU at a steady pace into a <see cref="CpuTimeline"/> from <see cref="Start"/> until
/// <see cref="StopAsync"/>, which takes one last sample so the timeline covers everything that happened before it.
/// </summary>
public sealed class CpuRecording : IAsyncDisposable
{
    /// <summary>/proc/stat counts in 10 ms ticks; ten reads a second keep the interpolation error at a tick or two per core.</summary>
    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromMilliseconds(100);

    private readonly ICpuSampler _sampler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private CpuRecording(ICpuSampler sampler, TimeProvider time, TimeSpan interval)
    {
        _sampler = sampler;
        Timeline.Add(sampler.Read());
        _loop = SampleAsync(time, interval, _stop.Token);
    }

    public CpuTimeline Timeline { get; } = new();

    public static CpuRecording Start(ICpuSampler sampler, TimeProvider time, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(time);
        var every = interval ?? DefaultInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero);
        return new CpuRecording(sampler, time, every);
    }

    /// <summary>Stops sampling and adds the closing sample; the first and the closing sample bracket the whole recording.</summary>
    public async Task<CpuTimeline> StopAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
            Timeline.Add(_sampler.Read());
        }

        return Timeline;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync(TimeProvider time, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Timeline.Add(_sampler.Read());
            }
        }
        catch (OperationCanceledException)
        {
            // StopAsync ends the loop; the closing sample follows there.
        }
    }
}
