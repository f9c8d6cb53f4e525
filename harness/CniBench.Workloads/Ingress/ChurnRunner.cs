namespace CniBench.Workloads.Ingress;

/// <summary>
/// Runs the churn phase: a fixed number of back-to-back load slices while, concurrently, each scheduled change waits
/// for its offset and is applied. Changes run one after another; a change that fails ends the schedule (the slices
/// still run to the end, so the timeline shows the aftermath). Time comes from the <see cref="TimeProvider"/> only.
/// </summary>
public sealed class ChurnRunner(TimeProvider time)
{
    /// <param name="slices">How many slices to run; each should take about one second.</param>
    /// <param name="runSlice">Runs slice <c>i</c> and returns its figures; the runner stamps its start and end.</param>
    /// <param name="apply">Makes one change and returns its label once the controller confirmed it; throws when it cannot.</param>
    public async Task<(IReadOnlyList<ChurnSlice> Slices, IReadOnlyList<ChurnChange> Changes)> RunAsync(
        int slices,
        IReadOnlyList<ChurnStep> steps,
        Func<int, CancellationToken, Task<ChurnSlice>> runSlice,
        Func<ChurnStep, CancellationToken, Task<string>> apply,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(runSlice);
        ArgumentNullException.ThrowIfNull(apply);
        var started = time.GetTimestamp();
        double Now() => time.GetElapsedTime(started).TotalSeconds;

        using var stopChanges = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var changes = new List<ChurnChange>();

        // One timer per step, all created here before any slice starts: due times count from the same instant,
        // with no gap between reading the clock and arming a delay.
        var due = steps.OrderBy(s => s.At)
            .Select(s => (Step: s, Signal: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)))
            .ToList();
        var timers = due.Select(d => time.CreateTimer(_ => d.Signal.TrySetResult(), null, d.Step.At, Timeout.InfiniteTimeSpan)).ToList();
        var changeTask = Task.Run(
            async () =>
            {
                foreach (var (step, signal) in due)
                {
                    await signal.Task.WaitAsync(stopChanges.Token);
                    var at = Now();
                    try
                    {
                        var label = await apply(step, stopChanges.Token);
                        lock (changes)
                        {
                            changes.Add(new ChurnChange(label, at, Now()));
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        lock (changes)
                        {
                            changes.Add(new ChurnChange(ChurnSchedule.Label(step.Action), at, null, ex.Message));
                        }

                        return;
                    }
                }
            },
            CancellationToken.None);

        var results = new List<ChurnSlice>();
        try
        {
            for (var i = 0; i < slices; i++)
            {
                var start = Now();
                var slice = await runSlice(i, cancellationToken);
                results.Add(slice with { Index = i, StartSeconds = start, EndSeconds = Now() });
            }
        }
        finally
        {
            // Changes still pending when the load ends are not made: a change without load after it shows nothing.
            await stopChanges.CancelAsync();
            try
            {
                await changeTask;
            }
            catch (OperationCanceledException)
            {
                // The schedule was cut short on purpose.
            }

            foreach (var timer in timers)
            {
                await timer.DisposeAsync();
            }
        }

        lock (changes)
        {
            return (results, [.. changes]);
        }
    }
}
