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
public sealed record ServiceRequest(string Name, IReadOnlyList<IWorkloadHost> Backends, IReadOnlyList<ServicePort> Ports)
{
    /// <summary>
    /// The workload that will connect through the Service: a provider whose Services are programmed asynchronously
    /// (Kubernetes) counts the Service ready only once this client reaches it.
    /// </summary>
    public IWorkloadHost? Client { get; init; }

    /// <summary>
    /// True lets the provider append a random suffix to <see cref="Name"/>, so that each measurement's Service is a new
    /// object that nothing left from an earlier one (a lingering EndpointSlice) can stand for. False keeps the name
    /// exactly, for Services other objects refer to by name (an Ingress backend).
    /// </summary>
    public bool UniqueName { get; init; }
}

/// <summary>A live Service; disposing removes it.</summary>
public interface IServiceExposure : IAsyncDisposable
{
    /// <summary>The ClusterIP clients connect to.</summary>
    IPAddress Address { get; }

    IReadOnlyList<IWorkloadHost> Backends { get; }

    /// <summary>Replaces the backends (scale up/down under load); connections already established keep their backend.</summary>
    Task SetBackendsAsync(IReadOnlyList<IWorkloadHost> backends, CancellationToken cancellationToken);

    /// <summary>How long the Service took to become usable from the client, where the provider waits for that (Kubernetes).</summary>
    TimeSpan? ReadyWait => null;
}
