using System.Net;

namespace CniBench.Ingress.Yarp;

/// <summary>What the controller serves and where: its command line, as a value.</summary>
public sealed record IngressHostOptions
{
    /// <summary>Ingress YAML files or directories (file mode).</summary>
    public IReadOnlyList<string> IngressPaths { get; init; } = [];

    /// <summary>The endpoints file (file mode).</summary>
    public string? EndpointsPath { get; init; }

    /// <summary>When set, Ingresses and endpoints come from the API server instead of files.</summary>
    public KubernetesSourceOptions? Kubernetes { get; init; }

    /// <summary>Plain HTTP addresses that serve only GET /healthz (200 once a configuration is applied), for probes.</summary>
    public IReadOnlyList<IPEndPoint> HealthListen { get; init; } = [];

    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [];

    public IReadOnlyList<IPEndPoint> TlsListen { get; init; } = [];

    public string? TlsCertificatePath { get; init; }

    public string? TlsKeyPath { get; init; }

    public string? IngressClass { get; init; }

    /// <summary>How often the input files are checked for changes, or the API server is listed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Where the in-cluster mode reads from.</summary>
public sealed record KubernetesSourceOptions
{
    /// <summary>A kubeconfig file; null means the pod's service account in a cluster, else the default kubeconfig.</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>Only this namespace; null means all namespaces.</summary>
    public string? Namespace { get; init; }
}
