using CniBench.Core.Orchestration;
using CniBench.Results;

namespace CniBench.Runs;

/// <summary>run.json as a run starts and as it ends: the run's record, not something made from its measurements.</summary>
public static class RunRecord
{
    /// <summary>A new run's record, or the interrupted run's own with this attempt added to its resumptions.</summary>
    public static async Task<RunInfo> StartAsync(RunRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Resumed is { } resumed)
        {
            return resumed with { ResumedAt = [.. resumed.ResumedAt, now], EndedAt = null };
        }

        var scenario = request.Plan.Scenario;
        return new RunInfo
        {
            RunId = request.Plan.RunId,
            ScenarioName = scenario.Name,
            ScenarioPath = Path.GetFullPath(scenario.SourcePath),
            ScenarioSha256 = await RunInfo.Sha256OfFileAsync(scenario.SourcePath, cancellationToken),
            Provider = scenario.Provider,
            CommandLine = request.CommandLine,
            CniBenchVersion = RunInfo.CurrentVersion(),
            Host = HostFacts.Collect(),
            ToolVersions = await ToolVersions.CollectAsync(cancellationToken),
            StartedAt = now,
            Overrides = request.Overrides,
        };
    }

    /// <summary>The record at the end: when it ended, and how each cluster was built.</summary>
    public static RunInfo End(RunInfo info, RunOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(outcome);
        return info with
        {
            EndedAt = now,
            // A resumed run keeps what the first attempt learned about clusters it did not need again.
            Clusters = new Dictionary<string, ClusterInfo>(info.Clusters.Concat(outcome.ClusterDescriptions
                    .Select(c => KeyValuePair.Create(c.Key, new ClusterInfo(c.Value, outcome.ClusterFacts[c.Key]))))
                .GroupBy(c => c.Key)
                .Select(g => g.Last())),
        };
    }
}
