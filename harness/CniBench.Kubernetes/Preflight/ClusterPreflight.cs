using CniBench.Catalog;

namespace CniBench.Kubernetes.Preflight;

public sealed record ClusterPreflightOptions
{
    public required RunNeeds Needs { get; init; }

    /// <summary>The CNI catalog, to recognise the running CNI.</summary>
    public required CniCatalog Catalog { get; init; }

    /// <summary>False skips the image pull probe, the preflight's only write.</summary>
    public bool ProbeImages { get; init; } = true;

    public ImagePullOptions Pull { get; init; } = new();

    /// <summary>How long the API server may take to answer <c>/version</c>.</summary>
    public TimeSpan ApiTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Looks a program up on PATH (helm); tests pass their own.</summary>
    public Func<string, bool>? IsOnPath { get; init; }
}

/// <summary>A cluster's preflight: every finding in the order checked.</summary>
public sealed record PreflightReport(string Cluster, string Server, IReadOnlyList<PreflightFinding> Findings)
{
    public IReadOnlyList<PreflightFinding> Problems => [.. Findings.Where(f => f.Level == FindingLevel.Problem)];

    public bool Passed => Problems.Count == 0;
}

/// <summary>
/// <c>cnibench doctor --context</c>: can a run work on this cluster. Reads the API (version, access reviews, nodes,
/// DaemonSets, the metrics APIService); its one write is the image pull probe's namespace, removed afterwards.
/// </summary>
public static class ClusterPreflight
{
    public static async Task<PreflightReport> RunAsync(KubeConnection connection, ClusterPreflightOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var (client, cluster, server) = (connection.Client, connection.Context, connection.Server);
        var needs = options.Needs;
        var findings = new List<PreflightFinding> { await ApiCheck.RunAsync(client, cluster, server, options.ApiTimeout, cancellationToken) };
        if (HelmCheck.Run(needs, options.IsOnPath) is { } helm)
        {
            findings.Add(helm);
        }

        if (findings[0].Level == FindingLevel.Problem)
        {
            // Every other check would fail the same way.
            return new PreflightReport(cluster, server, findings);
        }

        var runId = ImagePullProbe.NewRunId(options.Pull.TimeProvider);
        try
        {
            findings.AddRange(await PermissionCheck.RunAsync(client, cluster, needs, KubeLabels.RunNamespace(runId), cancellationToken));
            var nodes = await NodeCheck.RunAsync(client, cluster, needs, cancellationToken);
            findings.AddRange(nodes.Findings);
            findings.Add(await CniCheck.RunAsync(client, cluster, options.Catalog, needs, cancellationToken));
            findings.Add(await MetricsServerCheck.RunAsync(client, cluster, cancellationToken));
            if (options.ProbeImages && needs.Images.Count > 0)
            {
                findings.AddRange(nodes.UsableNodes.Count == 0
                    ? [new PreflightFinding(ImagePullProbe.Area, string.Join(", ", needs.Images), FindingLevel.Problem, "not probed: no node can carry workloads", "fix the nodes first")]
                    : await ImagePullProbe.RunAsync(client, cluster, runId, nodes.UsableNodes[0], needs.Images, options.Pull, cancellationToken));
            }
        }
        catch (KubeOperationException ex)
        {
            // A read the checks cannot do without (the access reviews, the node list) failed: say so and stop.
            findings.Add(new PreflightFinding(ApiCheck.Area, "reading the cluster", FindingLevel.Problem, ex.Message, "fix this first; the checks after it did not run"));
        }

        return new PreflightReport(cluster, server, findings);
    }
}
