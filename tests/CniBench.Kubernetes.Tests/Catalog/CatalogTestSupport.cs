using CniBench.Catalog;
using CniBench.Core.Processes;
using CniBench.Kubernetes.Tests.Workloads;

namespace CniBench.Kubernetes.Tests.Catalog;

internal static class CatalogTestSupport
{
    private static readonly Lazy<CniCatalog> LazyCatalog = new(() => CniCatalog.Load(ManifestsDirectory));

    public static CniCatalog Catalog => LazyCatalog.Value;

    /// <summary>The real catalog with one CNI's default pod CIDR taken out, for the "no default" paths.</summary>
    public static CniCatalog WithoutPodCidrDefault(string cni) => new(Catalog.Manifests.Select(m => m.Name == cni && m.Kubernetes is { } k
        ? m with { Kubernetes = k with { PodCidr = k.PodCidr with { Default = null } } }
        : m));

    public static string ManifestsDirectory => WorkloadTestPaths.Cni;
}

/// <summary>Records every spec and answers with a scripted result.</summary>
internal sealed class ScriptedRunner(ProcessResult result) : IProcessRunner
{
    public List<ProcessSpec> Runs { get; } = [];

    public Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        Runs.Add(spec);
        return Task.FromResult(result);
    }

    public IRunningProcess Start(ProcessSpec spec) => throw new NotSupportedException("helm is never started in the background");
}
