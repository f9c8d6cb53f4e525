namespace CniBench.Core.Measurements;

/// <summary>
/// Host CPU counters sampled at a steady pace while a tool runs, so CPU can be charged to exactly the window the
/// tool measured. A before/after pair would also charge process start-up, connection set-up and the tool's warm-up
/// (iperf3 -O) to a throughput counted only over the measured seconds, which made busy cores ÷ throughput track
/// 1/throughput on a saturated host.
/// </summary>
public sealed class CpuTimeline
{
    private readonly List<CpuSnapshot> _samples = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    public void Add(CpuSnapshot sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            if (_samples.Count > 0 && sample.At < _samples[^1].At)
            {
                throw new ArgumentException("CPU samples must be added in time order", nameof(sample));
            }

            _samples.Add(sample);
        }
    }

    /// <summary>
    /// The cumulative counters at <paramref name="at"/>, interpolated linearly between the two samples around it
    /// (kernel counters grow steadily between reads at this scale); null when <paramref name="at"/> is outside the
    /// sampled span, so a window is never extrapolated.
    /// </summary>
    public CpuSnapshot? At(DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_samples.Count == 0 || at < _samples[0].At || at > _samples[^1].At)
            {
                return null;
            }

            var after = _samples.FindIndex(s => s.At >= at);
            var next = _samples[after];
            if (next.At == at || after == 0)
            {
                return next with { At = at };
            }

            var previous = _samples[after - 1];
            var share = (at - previous.At) / (next.At - previous.At);
            return new CpuSnapshot(
                Between(previous.User, next.User, share),
                Between(previous.System, next.System, share),
                Between(previous.Softirq, next.Softirq, share),
                Between(previous.Total, next.Total, share),
                Between(previous.Harness, next.Harness, share),
                at);
        }
    }

    /// <summary>The interpolated counters at the start and end of <paramref name="window"/>, or null when the samples do not cover it.</summary>
    public (CpuSnapshot Start, CpuSnapshot End)? Over(MeasuredWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return At(window.Start) is { } start && At(window.End) is { } end ? (start, end) : null;
    }

    /// <summary>The first and the last sample, bracketing everything recorded; null before two samples exist.</summary>
    public (CpuSnapshot First, CpuSnapshot Last)? Whole()
    {
        lock (_gate)
        {
            return _samples.Count < 2 ? null : (_samples[0], _samples[^1]);
        }
    }

    private static TimeSpan Between(TimeSpan from, TimeSpan to, double share) => from + ((to - from) * share);
}

/// <summary>The wall-clock span a tool counted in its figures (after its warm-up, before its result exchange).</summary>
public sealed record MeasuredWindow(DateTimeOffset End, TimeSpan Length)
{
    public DateTimeOffset Start => End - Length;
}
