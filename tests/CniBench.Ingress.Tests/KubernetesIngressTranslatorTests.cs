using System.Net;
using CniBench.Ingress.Yarp;
using static CniBench.Ingress.Tests.KubeObjects;

namespace CniBench.Ingress.Tests;

public sealed class KubernetesIngressTranslatorTests
{
    [Fact]
    public void ToEndpoints_ReadyUnknownAndNotReady_KeepsReadyAndUnknownOnly()
    {
        var slice = Slice("web-abc", "web", "default", [(null, 8080)], ("10.0.0.2", true), ("10.0.0.1", null), ("10.0.0.3", false));

        var set = KubernetesIngressTranslator.ToEndpoints([Service("web", "default", (null, 80))], [slice]);

        var port = Assert.Single(Assert.Single(set.Services).Ports);
        Assert.Equal((null, 80), (port.Name, port.Port));
        // Sorted, so an unchanged cluster gives an unchanged configuration.
        Assert.Equal([IPEndPoint.Parse("10.0.0.1:8080"), IPEndPoint.Parse("10.0.0.2:8080")], port.Endpoints);
    }

    [Fact]
    public void ToEndpoints_NamedPorts_EachServicePortTakesTheTargetPortOfItsSlicePort()
    {
        var service = Service("web", "bench", ("http", 80), ("metrics", 9000));
        var slices = new[]
        {
            Slice("web-1", "web", "bench", [("metrics", 9090), ("http", 8080)], ("10.0.1.1", true)),
            // A second slice of the same Service, repeating one address as during a slice rebalance: merged once.
            Slice("web-2", "web", "bench", [("http", 8080), ("metrics", 9090)], ("10.0.1.2", true), ("10.0.1.1", true)),
            // Same Service name in another namespace, and another Service: neither counts.
            Slice("web-x", "web", "other", [("http", 7000)], ("10.9.9.9", true)),
            Slice("api-1", "api", "bench", [("http", 6000)], ("10.8.8.8", true)),
        };

        var web = Assert.Single(KubernetesIngressTranslator.ToEndpoints([service], slices).Services);

        Assert.Equal(("bench", "web"), (web.Namespace, web.Name));
        Assert.Equal(["10.0.1.1:8080", "10.0.1.2:8080"], web.FindPort(null, "http")!.Endpoints.Select(e => e.ToString()));
        Assert.Equal(["10.0.1.1:9090", "10.0.1.2:9090"], web.FindPort(9000, null)!.Endpoints.Select(e => e.ToString()));
    }

    [Fact]
    public void ToEndpoints_ServiceWithoutSlices_PortsExistWithNoEndpoints()
    {
        var set = KubernetesIngressTranslator.ToEndpoints([Service("web", "default", ("http", 80))], []);

        Assert.Empty(Assert.Single(Assert.Single(set.Services).Ports).Endpoints);
    }

    [Fact]
    public void Build_IngressByPortNameAndNumber_RoutesToTargetPorts()
    {
        var snapshot = new KubernetesSnapshot(
            [IngressTo("by-name", "cnibench", "web", portName: "http", ns: "bench")],
            [Service("web", "bench", ("http", 80))],
            [Slice("web-1", "web", "bench", [("http", 8080)], ("10.0.1.1", true))]);

        var cluster = Assert.Single(KubernetesIngressTranslator.Build(snapshot, "cnibench").Clusters);

        Assert.Equal("bench/web:80", cluster.ClusterId);
        Assert.Equal([IPEndPoint.Parse("10.0.1.1:8080")], cluster.Endpoints);
    }

    [Fact]
    public void Build_IngressClassFilter_ServesOnlyIngressesOfItsClass()
    {
        var snapshot = new KubernetesSnapshot(
            [IngressTo("ours", "cnibench", "web"), IngressTo("nginx", "nginx", "missing"), IngressTo("classless", null, "missing")],
            [Service("web", "default", (null, 80))],
            [Slice("web-1", "web", "default", [(null, 8080)], ("10.0.0.1", true))]);

        var config = KubernetesIngressTranslator.Build(snapshot, "cnibench");

        // The other Ingresses route to a missing Service: had they been read, Build would have thrown.
        Assert.Equal("default/ours/r0/p0", Assert.Single(config.Routes).RouteId);
    }

    [Fact]
    public void Build_IngressToMissingService_ConfigErrorNamesIngressAndService()
    {
        var snapshot = new KubernetesSnapshot([IngressTo("lost", "cnibench", "gone", ns: "bench")], [Service("web", "bench", (null, 80))], []);

        var error = Assert.Throws<IngressConfigException>(() => KubernetesIngressTranslator.Build(snapshot, "cnibench"));

        var only = Assert.Single(error.Errors);
        Assert.Contains("ingress bench/lost rules[0]", only.Source, StringComparison.Ordinal);
        Assert.Contains("Service 'bench/gone', which does not exist", only.Message, StringComparison.Ordinal);
    }
}
