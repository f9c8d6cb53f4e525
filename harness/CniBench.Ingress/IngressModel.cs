using System.Net;

namespace CniBench.Ingress;

/// <summary>How a route's path matches. Kubernetes' ImplementationSpecific is read as <see cref="Prefix"/>.</summary>
public enum PathMatch
{
    /// <summary>The request path equals the route path (case-sensitive).</summary>
    Exact,

    /// <summary>Element-wise prefix: "/foo" matches "/foo" and "/foo/bar", not "/foobar".</summary>
    Prefix,
}

/// <summary>How specific a route's host is; exact names win over wildcards, which win over "any host".</summary>
public enum HostKind
{
    Exact,
    Wildcard,
    Any,
}

/// <summary>
/// The routing model every controller is generated from: one immutable value built from Ingress objects and endpoints.
/// <see cref="Routes"/> is in match order: the first route whose host and path match a request wins.
/// </summary>
public sealed record IngressConfigSet(
    IReadOnlyList<IngressRoute> Routes,
    IReadOnlyList<BackendCluster> Clusters,
    DefaultBackendRoute? DefaultBackend,
    IReadOnlyList<TlsBinding> Tls)
{
    public BackendCluster Cluster(string clusterId) => Clusters.First(c => string.Equals(c.ClusterId, clusterId, StringComparison.Ordinal));
}

/// <summary>One path of one Ingress rule. <see cref="Host"/> is null for "any host"; a wildcard is kept as "*.example.com".</summary>
/// <param name="Order">Position in match order, 0 first.</param>
/// <param name="Source">The Ingress (namespace/name) and rule it came from, for messages.</param>
public sealed record IngressRoute(string RouteId, string? Host, string Path, PathMatch Match, string ClusterId, int Order, string Source)
{
    public HostKind HostKind => Host is null ? HostKind.Any : Host.StartsWith("*.", StringComparison.Ordinal) ? HostKind.Wildcard : HostKind.Exact;

    /// <summary>Kubernetes host matching: a wildcard covers exactly one extra leading label.</summary>
    public bool MatchesHost(string host) => HostKind switch
    {
        HostKind.Any => true,
        HostKind.Exact => string.Equals(Host, host, StringComparison.OrdinalIgnoreCase),
        _ => host.EndsWith(Host![1..], StringComparison.OrdinalIgnoreCase)
             && host.Length > Host.Length - 1
             && host.IndexOf('.', StringComparison.Ordinal) == host.Length - Host.Length + 1,
    };
}

/// <summary>The backend for requests no rule matches (spec.defaultBackend of one Ingress).</summary>
public sealed record DefaultBackendRoute(string ClusterId, string Source);

/// <summary>A Service port and its endpoints: one YARP cluster, nginx upstream, HAProxy backend.</summary>
/// <param name="ClusterId">"namespace/service:port".</param>
public sealed record BackendCluster(string ClusterId, string Namespace, string Service, string Port, IReadOnlyList<IPEndPoint> Endpoints);

/// <summary>A TLS section: the hosts it covers and the Secret it names. The certificate itself is a PEM pair given to the controller.</summary>
public sealed record TlsBinding(IReadOnlyList<string> Hosts, string? SecretName, string Source);

/// <summary>One configuration problem, naming where it is (file, Ingress namespace/name, rule).</summary>
public sealed record IngressConfigError(string Source, string Message)
{
    public override string ToString() => $"{Source}: {Message}";
}

/// <summary>Ingress objects or endpoints that cannot be served; carries every error found, not just the first.</summary>
public sealed class IngressConfigException(IReadOnlyList<IngressConfigError> errors)
    : Exception($"{errors.Count} ingress configuration error(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public IReadOnlyList<IngressConfigError> Errors { get; } = errors;
}
