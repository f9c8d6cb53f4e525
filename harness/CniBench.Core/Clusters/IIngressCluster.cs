using System.Net;

namespace CniBench.Core.Clusters;

/// <summary>
/// A cluster that runs real ingress controllers from the catalog (manifests/ingress/): it installs or finds the
/// controller, puts Services in front of backend pods and applies the run's Ingress with the controller's
/// IngressClass. The lab has no such controllers; it runs CniBench's own dataplanes in a pod instead.
/// </summary>
public interface IIngressCluster
{
    /// <summary>
    /// Installs or finds <see cref="IngressDeploymentRequest.Controller"/>, creates the Services and applies the Ingress.
    /// Throws <see cref="ClusterUnsupportedException"/> when the controller cannot run on this cluster.
    /// </summary>
    Task<IIngressDeployment> DeployIngressAsync(IngressDeploymentRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// What one ingress measurement needs. <see cref="IngressYaml"/> and <see cref="RouteChangedYaml"/> are the same
/// Ingress before and after the route change; the cluster sets its namespace, name and IngressClass. Both Services
/// start with <see cref="Backends"/>, forwarding a port named <see cref="PortName"/> to <see cref="BackendPort"/>.
/// </summary>
public sealed record IngressDeploymentRequest
{
    public required string Controller { get; init; }

    public required string IngressYaml { get; init; }

    public required string RouteChangedYaml { get; init; }

    /// <summary>The Service the Ingress routes to and the one the route change moves its path to.</summary>
    public required string ServiceName { get; init; }

    public required string OtherServiceName { get; init; }

    public required string PortName { get; init; }

    public required int BackendPort { get; init; }

    public required IReadOnlyList<IWorkloadHost> Backends { get; init; }

    /// <summary>
    /// For a TLS measurement: the certificate and key the controller terminates with. The cluster stores them in the
    /// Secret the Ingress's <c>tls:</c> section names, before it applies the Ingress, and loads the Service's TLS port.
    /// </summary>
    public IngressTlsMaterial? Tls { get; init; }
}

/// <summary>
/// A PEM certificate and its PKCS#8 private key for one TLS measurement. <see cref="ToString"/> and record equality
/// printing never show the key, so the request can be logged.
/// </summary>
public sealed record IngressTlsMaterial(string CertificatePem, string PrivateKeyPem)
{
    public override string ToString() => "IngressTlsMaterial { CertificatePem = (certificate), PrivateKeyPem = (hidden) }";
}

/// <summary>A live controller with the run's Ingress and Services; disposing removes the Ingress and Services, not the controller.</summary>
public interface IIngressDeployment : IAsyncDisposable
{
    /// <summary>Where clients in the cluster send requests: the controller Service's ClusterIP.</summary>
    IPAddress Address { get; }

    /// <summary>The Service port to load: its HTTPS port for a request with <see cref="IngressDeploymentRequest.Tls"/>, else its HTTP port.</summary>
    int Port { get; }

    /// <summary>For run.json: controller, version, IngressClass, whether CniBench installed it.</summary>
    IReadOnlyDictionary<string, string> Facts { get; }

    /// <summary>Replaces the backends of the routed Service; returns once its EndpointSlices list exactly them.</summary>
    Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken);

    /// <summary>Applies the route-changed Ingress; returns once the API server accepted it (the controller's own reload is not observable).</summary>
    Task ChangeRouteAsync(CancellationToken cancellationToken);

    /// <summary>Null while the controller's pods run as when it was deployed; otherwise which restarted or stopped, with a log tail.</summary>
    Task<string?> ControllerProblemAsync(CancellationToken cancellationToken);
}
