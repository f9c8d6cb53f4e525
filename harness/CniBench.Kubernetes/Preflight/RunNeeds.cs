using CniBench.Catalog;

namespace CniBench.Kubernetes.Preflight;

/// <summary>
/// What a run does on one cluster, so the preflight checks exactly that: the tests it runs, whether it may install,
/// the CNI it expects, and the namespaces the catalog puts things in.
/// </summary>
public sealed record RunNeeds
{
    /// <summary>The scenario's CNI for this cluster (its <c>cnis:</c> entry's CNI); null: only report what runs.</summary>
    public string? Cni { get; init; }

    /// <summary>The netpol test: NetworkPolicies applied and deleted in the model namespaces.</summary>
    public bool NetworkPolicies { get; init; }

    /// <summary>The ingress test: Ingresses in the run namespace, controllers installed or found.</summary>
    public bool Ingress { get; init; }

    /// <summary>An ingress test over TLS: a <c>kubernetes.io/tls</c> Secret in the run namespace.</summary>
    public bool IngressTls { get; init; }

    /// <summary>The cluster is disposable or the run passes <c>--allow-install</c>: a CNI (or controller) may be installed.</summary>
    public bool MayInstall { get; init; }

    /// <summary>Ready, untainted nodes the tests need: 2 for cross-node.</summary>
    public int RequiredNodes { get; init; } = 2;

    /// <summary>Where the CNI's agents run and are looked for (<c>CniDetector.NamespacesToScan</c>).</summary>
    public IReadOnlyList<string> CniNamespaces { get; init; } = ["kube-system"];

    /// <summary>Where the expected CNI's readiness DaemonSets and Deployments live (its catalog entry); empty without a CNI.</summary>
    public IReadOnlyList<string> CniReadinessNamespaces { get; init; } = [];

    /// <summary>The workloads whose readiness the run waits for: the expected CNI's and the ingress controllers'.</summary>
    public IReadOnlyList<WorkloadRef> ReadinessWorkloads { get; init; } = [];

    /// <summary>The ingress controllers' namespaces (from the ingress catalog).</summary>
    public IReadOnlyList<string> IngressNamespaces { get; init; } = [];

    /// <summary>The namespace of a variant's Secret (e.g. Cilium's IPsec key in kube-system); null: no such variant.</summary>
    public string? SecretNamespace { get; init; }

    /// <summary>The workload images the run pulls (iperf3, and agnhost for netpol).</summary>
    public IReadOnlyList<string> Images { get; init; } = [];

    /// <summary>Why helm must be on this host (a chart install or a variant's Helm values), or null when the run never calls it.</summary>
    public string? HelmNeededFor { get; init; }
}
