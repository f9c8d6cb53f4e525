namespace CniBench.Catalog;

/// <summary>The <c>kubernetes:</c> section of a CNI manifest: how to install the real CNI on a cluster and know it runs.</summary>
public sealed record KubernetesInstallSpec
{
    /// <summary>Whether upstream still maintains the project; archived and retired CNIs stay runnable but reports flag them.</summary>
    public ProjectStatus Status { get; init; } = ProjectStatus.Active;

    /// <summary>Why the status is what it is (e.g. "archived upstream 2022; last release 2021").</summary>
    public string? StatusNote { get; init; }

    /// <summary>Manifests applied in order with server-side apply; empty when <see cref="Helm"/> installs the CNI.</summary>
    public IReadOnlyList<ManifestSource> Manifests { get; init; } = [];

    public HelmChartSpec? Helm { get; init; }

    public required PodCidrSpec PodCidr { get; init; }

    /// <summary>The workloads that must be ready before the CNI counts as installed; their DaemonSets also identify it on a cluster.</summary>
    public required IReadOnlyList<WorkloadRef> Readiness { get; init; }

    /// <summary>Named encryption variants (e.g. <c>wireguard</c>, <c>ipsec</c>); empty when the CNI encrypts nothing.</summary>
    public IReadOnlyList<EncryptionVariantSpec> Encryption { get; init; } = [];

    /// <summary>Known caveats of the upstream install (unpinned images, old bundled components).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public IEnumerable<WorkloadRef> DaemonSets => Readiness.Where(r => r.Kind == WorkloadKind.DaemonSet);
}

public enum ProjectStatus
{
    Active,

    /// <summary>The upstream repository is archived: no fixes, no releases.</summary>
    Archived,

    /// <summary>Upstream announced the end of maintenance.</summary>
    Retired,
}

/// <summary>One upstream manifest pinned at a tag; <see cref="Sha256"/> null means nobody verified its content.</summary>
public sealed record ManifestSource(Uri Url, string? Sha256);

/// <summary>A Helm chart installed with <c>helm upgrade --install</c>; values become <c>--set key=value</c>.</summary>
public sealed record HelmChartSpec
{
    public required Uri Repo { get; init; }

    public required string Chart { get; init; }

    public required string Version { get; init; }

    public required string Release { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
}

/// <summary>What pod address range the CNI expects of the cluster.</summary>
public sealed record PodCidrSpec
{
    /// <summary>The CNI's default pod range; null when it takes whatever the nodes' podCIDRs are.</summary>
    public string? Default { get; init; }

    /// <summary>True when the CNI's range must equal kube-controller-manager's <c>--cluster-cidr</c> (kind: <c>podSubnet</c>).</summary>
    public required bool MustMatchClusterCidr { get; init; }

    /// <summary>The setting that changes the range.</summary>
    public required string Setting { get; init; }
}

public enum WorkloadKind
{
    DaemonSet,
    Deployment,
}

public sealed record WorkloadRef(WorkloadKind Kind, string Namespace, string Name)
{
    public override string ToString() => $"{Kind}/{Namespace}/{Name}";
}

/// <summary>How to turn on one encryption mode: Helm values for chart installs, a secret to create, patches to apply after install.</summary>
public sealed record EncryptionVariantSpec
{
    public required string Name { get; init; }

    public IReadOnlyDictionary<string, string> HelmValues { get; init; } = new Dictionary<string, string>();

    /// <summary>A secret the variant needs before the CNI starts (e.g. an IPsec key), generated per cluster.</summary>
    public SecretSpec? Secret { get; init; }

    public IReadOnlyList<ResourcePatchSpec> Patches { get; init; } = [];
}

public enum SecretGenerator
{
    /// <summary>A Cilium-style IPsec key line: <c>3 rfc4106(gcm(aes)) &lt;40 hex&gt; 128</c>.</summary>
    IpsecKey,

    /// <summary>A random printable password.</summary>
    Password,
}

public sealed record SecretSpec(string Namespace, string Name, string Key, SecretGenerator Generate);

public enum PatchType
{
    /// <summary>JSON merge patch (RFC 7386).</summary>
    Merge,

    /// <summary>Kubernetes strategic merge patch: lists of containers merge by name.</summary>
    Strategic,
}

/// <summary>A patch to one object, as <c>kubectl patch --type</c> would send it.</summary>
public sealed record ResourcePatchSpec
{
    public required string ApiVersion { get; init; }

    public required string Kind { get; init; }

    /// <summary>Null for cluster-scoped objects.</summary>
    public string? Namespace { get; init; }

    public required string Name { get; init; }

    public required PatchType Type { get; init; }

    /// <summary>The patch body as JSON.</summary>
    public required string Patch { get; init; }
}
