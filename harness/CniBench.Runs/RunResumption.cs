using System.Text.Json;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Results;

namespace CniBench.Runs;

/// <summary>Either what was asked for, or why not, in words for a person.</summary>
public sealed record ResumeStep<T>(T? Value, string? Error)
    where T : class;

public static class ResumeStep
{
    public static ResumeStep<T> Ok<T>(T value)
        where T : class => new(value, null);

    public static ResumeStep<T> Fail<T>(string error)
        where T : class => new(null, error);
}

/// <summary>The plan of a resumed run, and a line saying what was done and what is measured again.</summary>
public sealed record ResumedPlan(RunPlan Plan, string Note);

/// <summary>
/// <c>cnibench run --resume</c>: reads the interrupted run's run.json (its scenario must be unchanged and its options
/// are replayed), then plans again without what measurements.csv already holds.
/// </summary>
public static class RunResumption
{
    /// <param name="scenarioPath">The scenario given on the command line, or null for the run's own.</param>
    public static async Task<ResumeStep<RunInfo>> ReadAsync(string directory, string? scenarioPath, ScenarioOverrides overrides, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(directory, RunFolder.RunJson)))
        {
            return ResumeStep.Fail<RunInfo>($"--resume {directory}: no {RunFolder.RunJson} there; give the folder of an interrupted run (results/<run-id>)");
        }

        if (overrides != new ScenarioOverrides())
        {
            return ResumeStep.Fail<RunInfo>("--resume replays the interrupted run's own options (--cni, --quick, --repetitions, --duration); leave them out");
        }

        try
        {
            var info = await RunInfoStore.ReadAsync(directory, cancellationToken);
            var scenario = scenarioPath ?? info.ScenarioPath;
            if (!File.Exists(scenario))
            {
                return ResumeStep.Fail<RunInfo>($"--resume: the run's scenario {scenario} no longer exists; pass the scenario file as the argument");
            }

            if (!string.IsNullOrEmpty(info.ScenarioSha256) && await RunInfo.Sha256OfFileAsync(scenario, cancellationToken) != info.ScenarioSha256)
            {
                return ResumeStep.Fail<RunInfo>($"--resume: {scenario} changed since the run started (sha256 differs); a resumed run must measure the same plan");
            }

            return ResumeStep.Ok(info);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return ResumeStep.Fail<RunInfo>($"--resume {directory}: cannot read {RunFolder.RunJson}: {ex.Message}");
        }
    }

    /// <summary>The plan without what measurements.csv already holds; an error when the file and the plan disagree.</summary>
    public static async Task<ResumeStep<ResumedPlan>> ReplanAsync(RunPlan plan, string runDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ResumePoint point;
        try
        {
            point = await RunResume.PrepareAsync(runDirectory, TestKinds.Metrics, cancellationToken);
        }
        catch (MeasurementCsvException ex)
        {
            return ResumeStep.Fail<ResumedPlan>($"cannot resume: {ex.Message}");
        }

        var planned = plan.Measurements.Select(m => m.Key).ToHashSet();
        if (point.Done.FirstOrDefault(k => !planned.Contains(k)) is { } stranger)
        {
            return ResumeStep.Fail<ResumedPlan>($"cannot resume: measurements.csv has {stranger}, which this scenario does not plan; was it run with other options or manifests?");
        }

        var remaining = plan.Measurements.Where(m => !point.Done.Contains(m.Key)).ToList();
        var note = $"{point.Done.Count} of {plan.Measurements.Count} measurements are done; " +
            $"{(point.Remeasured.Count > 0 ? $"measuring again {point.Remeasured.Count} that may be incomplete ({string.Join(", ", point.Remeasured.Take(3))}{(point.Remeasured.Count > 3 ? ", …" : "")})" : "nothing to repair")}" +
            $"{(point.DroppedTornLine ? "; dropped a torn last line" : "")}";
        return ResumeStep.Ok(new ResumedPlan(
            plan with { Measurements = remaining, Clusters = [.. plan.Clusters.Where(c => remaining.Exists(m => m.Key.Cni == c))] },
            note));
    }
}
