using k8s.Models;

namespace CniBench.Ingress.Tests;

/// <summary>Small builders for the Kubernetes objects the in-cluster tests need.</summary>
internal static class KubeObjects
{
    public static V1Ingress IngressTo(string name, string? ingressClass, string service, int? port = 80, string? portName = null, string ns = "default") => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1IngressSpec
        {
            IngressClassName = ingressClass,
            Rules =
            [
                new V1IngressRule
                {
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = service,
                                        Port = new V1ServiceBackendPort { Number = portName is null ? port : null, Name = portName },
                                    },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };

    public static V1Service Service(string name, string ns = "default", params (string? Name, int Port)[] ports) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { Ports = [.. ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, Protocol = "TCP" })] },
    };

    public static V1EndpointSlice Slice(
        string name, string service, string ns, IEnumerable<(string? Name, int Port)> ports, params (string Address, bool? Ready)[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name ?? "", Port = p.Port, Protocol = "TCP" })],
        Endpoints = [.. endpoints.Select(e => new V1Endpoint { Addresses = [e.Address], Conditions = new V1EndpointConditions { Ready = e.Ready } })],
    };
}
