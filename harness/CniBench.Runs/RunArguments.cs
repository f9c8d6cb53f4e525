using CniBench.Core.Scenarios;

namespace CniBench.Runs;

/// <summary>What <c>cnibench run</c> was asked, as parsed from its command line; the paths are already resolved.</summary>
public sealed record RunArguments
{
    public required string ScenarioPath { get; init; }

    /// <summary>False when <see cref="ScenarioPath"/> is the default, so --resume takes the run's own scenario.</summary>
    public bool ScenarioGiven { get; init; } = true;

    /// <summary>An interrupted run's folder to finish (<c>--resume</c>).</summary>
    public string? ResumeDirectory { get; init; }

    public required string OutputRoot { get; init; }

    /// <summary>The CNI catalog (<c>manifests/cni</c>).</summary>
    public required string ManifestsDirectory { get; init; }

    /// <summary>The ingress controller catalog (<c>manifests/ingress</c>); a run without it has no ingress controllers.</summary>
    public string? IngressManifestsDirectory { get; init; }

    /// <summary>The workload templates the Kubernetes provider applies (<c>manifests/workloads</c>).</summary>
    public string? WorkloadsDirectory { get; init; }

    public ScenarioOverrides Overrides { get; init; } = new();

    public IReadOnlyList<string> CommandLine { get; init; } = [];

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    public bool AllowInstall { get; init; }

    public bool AllowUnverified { get; init; }
}
