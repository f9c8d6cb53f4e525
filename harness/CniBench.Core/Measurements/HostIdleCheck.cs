using CniBench.Core.Scenarios;

namespace CniBench.Core.Measurements;

/// <summary>What the idle check saw before a measurement: whether the host got quiet, after how long, and how busy it was last.</summary>
public sealed record IdleCheckResult(bool Idle, TimeSpan Waited, double BusyPercent)
{
    /// <summary>The figures written beside the measurement's own, so a reader can set aside rows measured on a busy host.</summary>
    public IReadOnlyList<Observation> ToObservations() =>
    [
        new(Metrics.IdleCheckIdle, Idle ? 1 : 0, Metrics.Bool),
        new(Metrics.IdleCheckWaitSeconds, Waited.TotalSeconds, Metrics.Seconds),
        new(Metrics.IdleCheckBusyPercent, BusyPercent, Metrics.Percent),
    ];
}

/// <summary>
/// Waits, for a bounded time, until the host's CPUs are quiet before a measurement starts: on a shared host other
/// work (a build, another benchmark) takes cores the datapath would have used. It never refuses to measure; it
/// reports whether the host got idle or the wait ran out, and the measurement goes ahead either way.
/// </summary>
public sealed class HostIdleCheck(ICpuSampler cpu, TimeProvider time, IdleCheckSpec spec)
{
    public IdleCheckSpec Spec { get; } = spec;

    /// <summary>Reads the busy share over back-to-back windows until one is below the threshold or the wait is used up.</summary>
    public async Task<IdleCheckResult> WaitAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var before = cpu.Read();
        while (true)
        {
            // Without the caller's context: nothing here needs it, and a fake clock then resumes the loop as it advances.
            await Task.Delay(Spec.Window, time, cancellationToken).ConfigureAwait(false);
            var after = cpu.Read();
            var busy = after.BusyPercent(before);
            var waited = time.GetElapsedTime(started);
            if (busy < Spec.BusyBelowPercent)
            {
                return new IdleCheckResult(true, waited, busy);
            }

            if (waited >= Spec.MaxWait)
            {
                return new IdleCheckResult(false, waited, busy);
            }

            before = after;
        }
    }
}
