using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Results;
using CniBench.Results.Export;

namespace CniBench.Runs;

/// <summary>
/// One run from plan to results folder: run.json at the start, measurements.csv appended as each measurement ends,
/// run.json again at the end, then the exporters, then what the provider left on the host. Nothing after the
/// measurements can lose them: a failing exporter (or final run.json) is reported and the rest still run. It talks
/// to no console: progress goes to the observer, and what happened comes back as a <see cref="RunResult"/>.
/// </summary>
public sealed class RunSession(IReadOnlyDictionary<string, ITestKind> tests, TimeProvider time)
{
    /// <summary>A session that can measure every registered test kind (<see cref="TestKinds"/>).</summary>
    public RunSession(TimeProvider time)
        : this(TestKinds.Create(time), time)
    {
    }

    public async Task<RunResult> RunAsync(RunRequest request, IRunSessionObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        var directory = request.RunDirectory;
        var info = await RunRecord.StartAsync(request, time.GetUtcNow(), CancellationToken.None);
        await RunInfoStore.WriteAsync(directory, info, CancellationToken.None);

        RunOutcome outcome;
        await using (var sink = CsvMeasurementSink.Open(directory))
        {
            var idle = request.Plan.Scenario.Lab.IdleCheck;
            var orchestrator = new Orchestrator(request.Provider, tests, sink, request.HostCpu, time, observer)
            {
                // Only where the host's CPU is the datapath's: the lab, which is where a sampler is given.
                IdleCheck = request.HostCpu is { } cpu && idle.Enabled ? new HostIdleCheck(cpu, time, idle) : null,
            };
            outcome = await observer.MeasureAsync(request.Plan.Measurements.Count, () => orchestrator.RunAsync(request.Plan, cancellationToken));
        }

        var failures = new List<ExportFailure>();
        try
        {
            await RunInfoStore.WriteAsync(directory, RunRecord.End(info, outcome, time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception ex)
        {
            Failed(new ExportFailure(RunFolder.RunJson, ex.Message));
        }

        // After Ctrl-C everything is still exported, from what measurements.csv holds.
        var interrupted = outcome.Cancelled || cancellationToken.IsCancellationRequested;
        var exported = new ExportContext(directory, TestKinds.Metrics);
        foreach (var failure in await request.Exporters(interrupted).ExportAsync(exported, CancellationToken.None))
        {
            Failed(failure);
        }

        // Asked only now, after every cluster was disposed: a teardown that failed on the way must not read as a clean host.
        var leftBehind = request.Provider is ILeftBehindCheck check ? await check.LeftBehindAsync(CancellationToken.None) : LeftBehind.Nothing;
        return new RunResult(outcome, interrupted, exported.Summary ?? [], failures, leftBehind);

        void Failed(ExportFailure failure)
        {
            failures.Add(failure);
            observer.ExportFailed(failure);
        }
    }
}
