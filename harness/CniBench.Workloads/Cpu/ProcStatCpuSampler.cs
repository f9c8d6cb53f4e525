using System.Diagnostics;
using CniBench.Core.Measurements;

namespace CniBench.Workloads.Cpu;

/// <summary>
/// Host CPU from /proc/stat plus this process's own CPU time. Linux reports /proc/stat in USER_HZ ticks,
/// which is 100 on every mainstream architecture (<c>getconf CLK_TCK</c>); that is the default assumed here.
/// </summary>
public sealed class ProcStatCpuSampler : ICpuSampler
{
    public const string DefaultPath = "/proc/stat";

    public const int DefaultTicksPerSecond = 100;

    private readonly TimeProvider _timeProvider;
    private readonly string _path;
    private readonly int _ticksPerSecond;
    private readonly Func<TimeSpan> _harnessCpu;

    public ProcStatCpuSampler(TimeProvider timeProvider)
        : this(timeProvider, DefaultPath, DefaultTicksPerSecond, CurrentProcessCpu)
    {
    }

    public ProcStatCpuSampler(TimeProvider timeProvider, string path, int ticksPerSecond, Func<TimeSpan> harnessCpu)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticksPerSecond);
        ArgumentNullException.ThrowIfNull(harnessCpu);
        _timeProvider = timeProvider;
        _path = path;
        _ticksPerSecond = ticksPerSecond;
        _harnessCpu = harnessCpu;
    }

    public CpuSnapshot Read()
    {
        var times = ProcStatCpuTimes.Parse(File.ReadAllText(_path))
            ?? throw new InvalidDataException($"{_path} has no well-formed aggregate 'cpu' line");
        return ToSnapshot(times, _ticksPerSecond, _harnessCpu(), _timeProvider.GetUtcNow());
    }

    /// <summary>
    /// Maps kernel modes onto the snapshot: nice is user work at another priority; hard-irq time joins system
    /// so that the busy share covers all kernel work (softirq, where packet processing lands, stays apart).
    /// </summary>
    public static CpuSnapshot ToSnapshot(ProcStatCpuTimes times, int ticksPerSecond, TimeSpan harness, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(times);
        return new CpuSnapshot(
            User: Ticks(times.User + times.Nice, ticksPerSecond),
            System: Ticks(times.System + times.Irq, ticksPerSecond),
            Softirq: Ticks(times.Softirq, ticksPerSecond),
            Total: Ticks(times.Total, ticksPerSecond),
            Harness: harness,
            At: at);
    }

    private static TimeSpan Ticks(long ticks, int ticksPerSecond) =>
        TimeSpan.FromTicks(ticks * (TimeSpan.TicksPerSecond / ticksPerSecond));

    private static TimeSpan CurrentProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
