using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>How long and how often to probe while waiting for a datapath to show the expected state.</summary>
/// <param name="Timeout">
/// Give up once this much time has passed since the wait began (a round that starts before it still counts). Zero: one
/// round, for a datapath that is programmed when its apply returns (the lab).
/// </param>
/// <param name="ProbeTimeout">Each probe's own timeout.</param>
public sealed record ConvergenceOptions(TimeSpan Timeout, TimeSpan ProbeTimeout)
{
    /// <summary>A hard cap on rounds whatever the timeout, so a very fast prober cannot spin.</summary>
    public int MaxRounds { get; init; } = 200;

    /// <summary>The pause after the first round that did not match; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The end of a wait: whether a round matched, when (from <see cref="PolicyConvergence.WaitAsync"/>'s
/// <c>since</c>), after how many rounds, and the last round (the matching one, or the last diff).
/// </summary>
public sealed record ConvergenceResult(bool Converged, TimeSpan Waited, int Rounds, IReadOnlyList<ProbeResult> LastRound);

/// <summary>
/// Waits for a datapath to enforce what the oracle expects. A real CNI programs policy asynchronously (tens of
/// milliseconds to seconds after the API server accepted it), so probing at once sees the previous state; this probes
/// until one round equals the expectation or the timeout passes. The time it took is the programming latency. Grading
/// happens afterwards, on separate blind rounds, so the wait itself never decides a verdict.
/// </summary>
public static class PolicyConvergence
{
    /// <param name="since">The timestamp (of <paramref name="time"/>) the latency is counted from: before the apply began.</param>
    public static async Task<ConvergenceResult> WaitAsync(
        IProbeEngine prober,
        IReadOnlyList<ProbeRequest> probes,
        ExpectedConnectivity expected,
        ClusterModel model,
        ConvergenceOptions options,
        TimeProvider time,
        long since,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prober);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var started = time.GetTimestamp();
        var backoff = options.InitialBackoff;
        var rounds = 0;
        while (true)
        {
            var round = await prober.ProbeAsync(probes, options.ProbeTimeout, cancellationToken);
            rounds++;
            if (ConformanceGrader.RoundMatches(expected, round, model))
            {
                return new ConvergenceResult(true, time.GetElapsedTime(since), rounds, round);
            }

            var waited = time.GetElapsedTime(started);
            if (rounds >= options.MaxRounds || waited + backoff > options.Timeout)
            {
                return new ConvergenceResult(false, time.GetElapsedTime(since), rounds, round);
            }

            await Task.Delay(backoff, time, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
        }
    }
}
