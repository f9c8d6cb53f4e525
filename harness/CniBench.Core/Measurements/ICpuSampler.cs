namespace CniBench.Core.Measurements;

/// <summary>Host-wide CPU accounting, read before and after a measurement.</summary>
public interface ICpuSampler
{
    CpuSnapshot Read();
}

/// <summary>Cumulative CPU time of the whole host since boot, split by mode, plus this process's own.</summary>
public sealed record CpuSnapshot(
    TimeSpan User,
    TimeSpan System,
    TimeSpan Softirq,
    TimeSpan Total,
    TimeSpan Harness,
    DateTimeOffset At)
{
    /// <summary>The observations for the interval from <paramref name="before"/> to this snapshot.</summary>
    public IReadOnlyList<Observation> Since(CpuSnapshot before)
    {
        return
        [
            new(Metrics.HostCpuPercent, BusyPercent(before), Metrics.Percent),
            new(Metrics.HostCpuUserSeconds, (User - before.User).TotalSeconds, Metrics.Seconds),
            new(Metrics.HostCpuSystemSeconds, (System - before.System).TotalSeconds, Metrics.Seconds),
            new(Metrics.HostCpuSoftirqSeconds, (Softirq - before.Softirq).TotalSeconds, Metrics.Seconds),
            new(Metrics.HarnessCpuSeconds, (Harness - before.Harness).TotalSeconds, Metrics.Seconds),
        ];
    }

    /// <summary>Busy share (user + system + softirq) of all the host's CPU time since <paramref name="before"/>, in percent; 0 when no CPU time passed.</summary>
    public double BusyPercent(CpuSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var total = (Total - before.Total).TotalSeconds;
        return total > 0 ? 100.0 * Busy(before).TotalSeconds / total : 0;
    }

    /// <summary>Host cores kept busy (user + system + softirq) on average since <paramref name="before"/>; 0 over no time.</summary>
    public double BusyCores(CpuSnapshot before)
    {
        ArgumentNullException.ThrowIfNull(before);
        var wall = (At - before.At).TotalSeconds;
        return wall <= 0 ? 0 : Busy(before).TotalSeconds / wall;
    }

    /// <summary>Host core-seconds (user + system + softirq) per million packets at <paramref name="packetsPerSecond"/> over the interval; null when undefined.</summary>
    public double? CoreSecondsPerMillionPackets(CpuSnapshot before, double packetsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(before);
        var wall = (At - before.At).TotalSeconds;
        if (wall <= 0 || packetsPerSecond <= 0)
        {
            return null;
        }

        return Busy(before).TotalSeconds / (packetsPerSecond * wall / 1e6);
    }

    /// <summary>
    /// Host cores kept busy per Gbit/s of throughput over the interval: the CPU cost of a datapath, comparable across
    /// CNIs only at a common offered rate (at saturation every datapath keeps the host busy). Null when undefined.
    /// </summary>
    public double? CoresPerGbps(CpuSnapshot before, double throughputBps)
    {
        ArgumentNullException.ThrowIfNull(before);
        var wall = (At - before.At).TotalSeconds;
        return wall <= 0 || throughputBps <= 0 ? null : BusyCores(before) / (throughputBps / 1e9);
    }

    private TimeSpan Busy(CpuSnapshot before) => (User - before.User) + (System - before.System) + (Softirq - before.Softirq);
}
