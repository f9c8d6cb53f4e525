using CniBench.Core.Measurements;

namespace CniBench.Workloads.Http;

/// <summary>What one wrk run yielded, or why it yielded nothing.</summary>
public abstract record WrkOutcome;

/// <summary>The run produced no usable figures; <see cref="Reason"/> is short and says why.</summary>
public sealed record WrkFailure(string Reason) : WrkOutcome;

/// <summary>wrk's own counters: errors by kind, as its <c>done()</c> summary reports them.</summary>
public sealed record WrkErrors(long Connect, long Read, long Write, long Status, long Timeout)
{
    /// <summary>Socket-level failures; <see cref="Status"/> (responses of 400 and above) is counted apart.</summary>
    public long Socket => Connect + Read + Write + Timeout;
}

/// <summary>Latency percentiles from wrk's histogram, from sending a request to reading its whole response.</summary>
public sealed record WrkLatency(TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan P999, TimeSpan Max);

/// <summary>CPU the generator used, from GNU time: user and system seconds over the elapsed wall time.</summary>
public sealed record GeneratorCpu(double UserSeconds, double SystemSeconds, double ElapsedSeconds)
{
    /// <summary>Percent of one core; wrk with N threads can reach N × 100.</summary>
    public double? Percent => ElapsedSeconds > 0 ? (UserSeconds + SystemSeconds) / ElapsedSeconds * 100 : null;
}

/// <summary>A completed wrk run with at least one request.</summary>
public sealed record WrkResult(
    long Requests,
    long Bytes,
    TimeSpan Duration,
    WrkErrors Errors,
    WrkLatency Latency,
    GeneratorCpu? Cpu) : WrkOutcome
{
    public double RequestsPerSecond => Requests / Duration.TotalSeconds;

    public double TransferBitsPerSecond => Bytes * 8 / Duration.TotalSeconds;

    public IReadOnlyList<Observation> ToObservations()
    {
        List<Observation> observations =
        [
            new(Metrics.RequestsPerSecond, RequestsPerSecond, Metrics.RequestsPerSecondUnit),
            new(Metrics.TransferBps, TransferBitsPerSecond, Metrics.BitsPerSecond),
            new(Metrics.LatencyP50Ms, Latency.P50.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.LatencyP90Ms, Latency.P90.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.LatencyP99Ms, Latency.P99.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.LatencyP999Ms, Latency.P999.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.LatencyMaxMs, Latency.Max.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.HttpErrors, Errors.Socket, Metrics.Count),
            new(Metrics.HttpNon2xx, Errors.Status, Metrics.Count),
        ];
        if (Cpu?.Percent is { } percent)
        {
            observations.Add(new(Metrics.GeneratorCpuPercent, percent, Metrics.Percent));
        }

        return observations;
    }
}
