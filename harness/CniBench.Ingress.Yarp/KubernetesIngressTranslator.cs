using System.Net;
using System.Net.Sockets;
using k8s.Models;

namespace CniBench.Ingress.Yarp;

/// <summary>What one listing of the API server returned: the three kinds the controller reads.</summary>
public sealed record KubernetesSnapshot(IReadOnlyList<V1Ingress> Ingresses, IReadOnlyList<V1Service> Services, IReadOnlyList<V1EndpointSlice> EndpointSlices);

/// <summary>
/// Turns Ingresses, Services and EndpointSlices into the model file mode builds from its endpoints file, so both modes
/// share <see cref="IngressConfigLoader.Build"/> and its validation. A Service port is matched to the EndpointSlice port
/// of the same name (Kubernetes names slice ports after Service ports; unnamed is empty on both), and only ready
/// endpoints are kept, as kube-proxy does.
/// </summary>
public static class KubernetesIngressTranslator
{
    /// <summary>The label the EndpointSlice controller sets to the owning Service's name.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <exception cref="IngressConfigException">Every error found (an Ingress to a missing Service or port, bad paths…).</exception>
    public static IngressConfigSet Build(KubernetesSnapshot snapshot, string? ingressClass)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return IngressConfigLoader.Build(snapshot.Ingresses, ToEndpoints(snapshot.Services, snapshot.EndpointSlices), ingressClass);
    }

    public static EndpointsSet ToEndpoints(IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var slicesByService = slices
            .Where(s => s.Metadata?.Labels?.ContainsKey(ServiceNameLabel) == true)
            .ToLookup(s => (Namespace(s.Metadata), s.Metadata.Labels[ServiceNameLabel]));
        var result = new List<ServiceEndpoints>();
        foreach (var service in services)
        {
            if (service.Metadata?.Name is not { Length: > 0 } name)
            {
                continue;
            }

            var ns = Namespace(service.Metadata);
            var serviceSlices = slicesByService[(ns, name)].ToList();
            var ports = (service.Spec?.Ports ?? [])
                .Select(p => new ServicePortEndpoints(
                    string.IsNullOrEmpty(p.Name) ? null : p.Name,
                    p.Port > 0 ? p.Port : null,
                    ReadyEndpoints(serviceSlices, p.Name ?? "", p.Protocol ?? "TCP")))
                .ToList();
            result.Add(new ServiceEndpoints(ns, name, ports));
        }

        return new EndpointsSet(result);
    }

    private static List<IPEndPoint> ReadyEndpoints(List<V1EndpointSlice> slices, string portName, string protocol)
    {
        var endpoints = new HashSet<IPEndPoint>();
        foreach (var slice in slices.Where(s => s.AddressType is "IPv4" or "IPv6"))
        {
            var port = (slice.Ports ?? []).FirstOrDefault(p =>
                string.Equals(p.Name ?? "", portName, StringComparison.Ordinal) && string.Equals(p.Protocol ?? "TCP", protocol, StringComparison.Ordinal));
            if (port?.Port is not { } number || number is <= 0 or > 65535)
            {
                continue;
            }

            // A nil ready condition means "unknown", which the API documents should be read as ready.
            foreach (var endpoint in (slice.Endpoints ?? []).Where(e => e.Conditions?.Ready != false))
            {
                foreach (var address in endpoint.Addresses ?? [])
                {
                    if (IPAddress.TryParse(address, out var ip))
                    {
                        endpoints.Add(new IPEndPoint(ip, number));
                    }
                }
            }
        }

        // A stable order: destination ids follow it, so an unchanged set must give an unchanged configuration.
        return [.. endpoints
            .OrderBy(e => e.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
            .ThenBy(e => e.Address.GetAddressBytes(), ByteOrder.Instance)
            .ThenBy(e => e.Port)];
    }

    private static string Namespace(V1ObjectMeta? metadata) =>
        string.IsNullOrEmpty(metadata?.NamespaceProperty) ? "default" : metadata.NamespaceProperty;

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static ByteOrder Instance { get; } = new();

        public int Compare(byte[]? x, byte[]? y) => ((ReadOnlySpan<byte>)x).SequenceCompareTo(y);
    }
}
