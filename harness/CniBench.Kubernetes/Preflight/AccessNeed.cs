namespace CniBench.Kubernetes.Preflight;

/// <summary>Where a permission is needed, resolved against <see cref="RunNeeds"/> to the namespaces to ask about.</summary>
public enum PermissionScope
{
    /// <summary>A cluster-scoped resource: nodes, namespaces, CRDs, cluster RBAC.</summary>
    Cluster,

    /// <summary>A namespaced resource in every namespace (pods, to record the CNI's images).</summary>
    AllNamespaces,

    /// <summary>
    /// The run's namespaces (<c>cnibench-&lt;tag&gt;</c> and its netpol model namespaces). They are new on every run, so
    /// only a ClusterRoleBinding can grant this; the review asks about the run namespace the preflight would use.
    /// </summary>
    RunNamespace,

    /// <summary>Each namespace the CNI's agents are looked for in (<see cref="RunNeeds.CniNamespaces"/>).</summary>
    CniNamespaces,

    /// <summary>The namespaces of the expected CNI's readiness workloads (<see cref="RunNeeds.CniReadinessNamespaces"/>).</summary>
    CniReadinessNamespaces,

    /// <summary>The namespaces of the DaemonSets whose readiness the run waits for (<see cref="RunNeeds.ReadinessWorkloads"/>).</summary>
    ReadinessDaemonSets,

    /// <summary>The namespaces of the Deployments whose readiness the run waits for (<see cref="RunNeeds.ReadinessWorkloads"/>).</summary>
    ReadinessDeployments,

    /// <summary>Each ingress controller's namespace (<see cref="RunNeeds.IngressNamespaces"/>).</summary>
    IngressNamespaces,

    /// <summary>The namespace of a variant's Secret (<see cref="RunNeeds.SecretNamespace"/>).</summary>
    SecretNamespace,
}

/// <summary>Which part of a run needs a permission; a permission is checked only when the run does that part.</summary>
[Flags]
public enum RunUse
{
    /// <summary>Every run on a Kubernetes cluster.</summary>
    Always = 0,

    NetworkPolicies = 1,

    Ingress = 2,

    IngressTls = 4,

    /// <summary>Installing a CNI or an ingress controller (a disposable cluster, or --allow-install).</summary>
    Install = 8,

    /// <summary>A variant with a generated Secret (an IPsec key, a WireGuard password).</summary>
    VariantSecret = 16,
}

/// <summary>One RBAC permission a run needs, as a SelfSubjectAccessReview asks it, and why.</summary>
/// <param name="Verb">The RBAC verb (get, list, watch, create, patch, delete).</param>
/// <param name="Resource">The plural resource, e.g. <c>pods</c>, with <paramref name="Subresource"/> for <c>pods/exec</c>.</param>
/// <param name="Group">The API group; empty for the core group.</param>
/// <param name="NeededBy">The code that makes the call, and what fails without it.</param>
/// <param name="Required">False when the run goes on without it (with fewer rows or less diagnosis).</param>
public sealed record AccessNeed(
    string Verb, string Resource, string Group, string? Subresource, PermissionScope Scope, RunUse Use, string NeededBy, bool Required = true)
{
    /// <summary>As <c>kubectl auth can-i</c> spells it: <c>create pods/exec</c>, <c>list endpointslices.discovery.k8s.io</c>.</summary>
    public string Spelled =>
        $"{Verb} {Resource}{(Group.Length == 0 ? "" : "." + Group)}{(Subresource is null ? "" : "/" + Subresource)}";
}
