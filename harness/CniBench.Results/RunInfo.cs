using System.Reflection;
using System.Security.Cryptography;
using CniBench.Core.Measurements;

namespace CniBench.Results;

/// <summary>What run.json records: enough to tell how, where and with what a run was measured.</summary>
public sealed record RunInfo
{
    public required string RunId { get; init; }

    public required string ScenarioName { get; init; }

    public string ScenarioPath { get; init; } = "";

    /// <summary>Lower-case hex SHA-256 of the scenario file, so two runs can be tied to the same input.</summary>
    public string ScenarioSha256 { get; init; } = "";

    public required string Provider { get; init; }

    public IReadOnlyList<string> CommandLine { get; init; } = [];

    public string CniBenchVersion { get; init; } = "";

    public HostFacts Host { get; init; } = new();

    /// <summary>Tool name → the first line of its version output, e.g. <c>iperf3</c> → <c>iperf 3.12 (cJSON 1.7.15)</c>.</summary>
    public IReadOnlyDictionary<string, string> ToolVersions { get; init; } = new Dictionary<string, string>();

    /// <summary>CNI name → how its cluster was built.</summary>
    public IReadOnlyDictionary<string, ClusterInfo> Clusters { get; init; } = new Dictionary<string, ClusterInfo>();

    /// <summary>The command-line overrides of the scenario (--cni, --quick, …), so <c>run --resume</c> replays the same plan.</summary>
    public Core.Scenarios.ScenarioOverrides? Overrides { get; init; }

    /// <summary>When the run was resumed after an interruption, oldest first.</summary>
    public IReadOnlyList<DateTimeOffset> ResumedAt { get; init; } = [];

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Empty until the run ends; a run.json without it belongs to a run that crashed or still runs.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The informational version of the CniBench assemblies (they are built and versioned together).</summary>
    public static string CurrentVersion() =>
        typeof(Measurement).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Measurement).Assembly.GetName().Version?.ToString()
        ?? "";

    public static async Task<string> Sha256OfFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken);
            return Convert.ToHexStringLower(hash);
        }
    }
}

/// <summary>One cluster of a run: a description (e.g. "lab: per-node bridge + VXLAN") and facts such as versions and MTU.</summary>
public sealed record ClusterInfo(string Description, IReadOnlyDictionary<string, string> Facts);
