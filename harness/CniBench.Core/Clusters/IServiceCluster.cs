using System.Net;

namespace CniBench.Core.Clusters;

/// <summary>
/// A cluster that can put a Service (a virtual address balanced over backend pods) in front of workloads:
/// the lab models kube-proxy with nftables DNAT, Kubernetes uses real Services. Tests reach a server through it
/// in the <c>pod-to-service</c> topology.
/// </summary>
public interface IServiceCluster
{
    Task<IServiceExposure> ExposeAsync(ServiceRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// A port the Service forwards; <see cref="Protocol"/> is <c>tcp</c> or <c>udp</c>. <see cref="Name"/> is the port's
/// name where objects refer to it by name (an Ingress backend); null names it after protocol and number.
/// </summary>
public sealed record ServicePort(string Protocol, int Port)
{
    public string? Name { get; init; }

    public static ServicePort Tcp(int port) => new("tcp", port);

    public static ServicePort Udp(int port) => new("udp", port);

    public override string ToString() => Name is null ? $"{Port}/{Protocol}" : $"{Port}/{Protocol} ({Name})";
}

/// <summary>A Service to create: a DNS-safe name, its backends, and the ports it forwards to the same port on each backend.</summary>
public sealed record ServiceRequest(string Name, IReadOnlyList<IWorkloadHost> Backends, IReadOnlyList<ServicePort> Ports);

/// <summary>A live Service; disposing removes it.</summary>
public interface IServiceExposure : IAsyncDisposable
{
    /// <summary>The ClusterIP clients connect to.</summary>
    IPAddress Address { get; }

    IReadOnlyList<IWorkloadHost> Backends { get; }

    /// <summary>Replaces the backends (scale up/down under load); connections already established keep their backend.</summary>
    Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken);
}
