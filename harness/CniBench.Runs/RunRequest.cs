using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Results;
using CniBench.Results.Export;

namespace CniBench.Runs;

/// <summary>What one run measures, where it writes, and with what.</summary>
public sealed record RunRequest
{
    /// <summary>What to measure; for a resumed run, only what its measurements.csv does not hold yet.</summary>
    public required RunPlan Plan { get; init; }

    /// <summary>The results folder (<c>results/&lt;run-id&gt;</c>); it exists.</summary>
    public required string RunDirectory { get; init; }

    public required IClusterProvider Provider { get; init; }

    /// <summary>Samples this host's CPU around each measurement; only where the datapath runs on this host (the lab).</summary>
    public ICpuSampler? HostCpu { get; init; }

    /// <summary>The exporters to run after measuring, given whether the run was interrupted (then nobody waits for a browser).</summary>
    public required Func<bool, RunExporters> Exporters { get; init; }

    /// <summary>The interrupted run's run.json when resuming; its record is kept and this attempt added.</summary>
    public RunInfo? Resumed { get; init; }

    /// <summary>For a new run's run.json: how it was started and the options that change the scenario.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    public ScenarioOverrides Overrides { get; init; } = new();
}

/// <summary>
/// What happened: the orchestrator's outcome, whether the run was interrupted, the summary rows, every exporter
/// that failed (the measurements are untouched), and what the provider left on the host.
/// </summary>
public sealed record RunResult(
    RunOutcome Outcome,
    bool Interrupted,
    IReadOnlyList<SummaryRow> Summary,
    IReadOnlyList<ExportFailure> ExportFailures,
    LeftBehind LeftBehind);

/// <summary>Hears a run as it happens: the orchestrator's events, the measuring phase as a whole, and each failed exporter.</summary>
public interface IRunSessionObserver : IRunObserver
{
    /// <summary>Runs <paramref name="measure"/>, the whole measuring phase of this many measurements (e.g. inside a live progress display).</summary>
    Task<RunOutcome> MeasureAsync(int measurements, Func<Task<RunOutcome>> measure);

    /// <summary>An exporter (or the final run.json) failed; the others still run and the measurements are safe.</summary>
    void ExportFailed(ExportFailure failure);
}
