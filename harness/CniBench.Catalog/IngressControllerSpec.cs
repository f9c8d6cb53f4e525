namespace CniBench.Catalog;

/// <summary>One ingress controller of <c>manifests/ingress/&lt;name&gt;.yaml</c>: what it is, how to install it on a cluster and how to reach it.</summary>
public sealed record IngressControllerSpec
{
    public required string Name { get; init; }

    public required string DisplayName { get; init; }

    public required UpstreamSpec Upstream { get; init; }

    /// <summary>Whether upstream still maintains the project; retired controllers stay runnable but reports flag them.</summary>
    public ProjectStatus Status { get; init; } = ProjectStatus.Active;

    /// <summary>Why the status is what it is, or a note on where development moved (Kong).</summary>
    public string? StatusNote { get; init; }

    public IReadOnlyList<string> Sources { get; init; } = [];

    public required IngressInstallSpec Install { get; init; }

    /// <summary>The workloads that must be ready before the controller counts as installed; they also identify it on a cluster.</summary>
    public IReadOnlyList<WorkloadRef> Readiness { get; init; } = [];

    public required IngressClassSpec IngressClass { get; init; }

    /// <summary>The Service clients send requests to; null only for an entry that cannot be installed yet.</summary>
    public IngressServiceRef? Service { get; init; }

    /// <summary>Why CniBench cannot install this controller on a cluster today; null when it can.</summary>
    public string? Unavailable { get; init; }

    /// <summary>Known caveats (floating image tags, name clashes with other controllers).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public string SourcePath { get; init; } = "";
}

/// <summary>
/// How a controller is installed: pinned upstream manifests, a Helm chart, or an image the user builds
/// (with manifests shipped in this repository).
/// </summary>
public sealed record IngressInstallSpec
{
    /// <summary>Upstream manifests applied in order with server-side apply.</summary>
    public IReadOnlyList<ManifestSource> Manifests { get; init; } = [];

    public HelmChartSpec? Helm { get; init; }

    /// <summary>An image CniBench does not publish: the user builds and pushes it.</summary>
    public ControllerImageSpec? Image { get; init; }

    /// <summary>Manifests shipped next to the catalog entry (absolute paths), applied before the controller.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}

/// <summary>An image built from a Dockerfile of this repository; <see cref="Default"/> is the name the Dockerfile's header builds.</summary>
public sealed record ControllerImageSpec(string Default, string Dockerfile);

/// <summary>
/// The IngressClass a run's Ingress names. <see cref="Controller"/> is the <c>spec.controller</c> value of the
/// IngressClass object, null when the controller matches Ingresses by class name alone (Contour).
/// </summary>
public sealed record IngressClassSpec
{
    public required string Name { get; init; }

    public string? Controller { get; init; }

    /// <summary>True when the install itself creates the IngressClass object.</summary>
    public required bool CreatedByInstall { get; init; }

    /// <summary>Caveats such as class names other controllers use too.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// The controller's Service in front of its proxies: where clients in the cluster send requests. <see cref="Port"/> is
/// its plain HTTP port; <see cref="TlsPort"/>, when set, the port where it terminates TLS for Ingresses with a <c>tls:</c> section.
/// </summary>
public sealed record IngressServiceRef(string Namespace, string Name, int Port)
{
    /// <summary>The Service's HTTPS port; null when the controller cannot serve an Ingress's TLS Secret (see <see cref="TlsUnavailable"/>).</summary>
    public int? TlsPort { get; init; }

    /// <summary>Why the entry has no <see cref="TlsPort"/>, for the <c>unsupported</c> row of a <c>-tls</c> variant; null when unexplained or when it has one.</summary>
    public string? TlsUnavailable { get; init; }

    public override string ToString() => $"Service/{Namespace}/{Name}:{Port}";
}
