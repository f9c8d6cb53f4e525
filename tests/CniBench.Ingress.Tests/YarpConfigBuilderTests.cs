namespace CniBench.Ingress.Tests;

public sealed class YarpConfigBuilderTests
{
    [Fact]
    public void Build_HostPaths_RoutesCarryHostsTemplatesAndOrder()
    {
        var yarp = YarpConfigBuilder.Build(Fixtures.Load("host-paths", "cnibench"));

        var healthz = Assert.Single(yarp.Routes, r => r.RouteId == "web/shop/r0/p1");
        Assert.Equal("/healthz", healthz.Match.Path);
        Assert.Equal(["shop.example.com"], healthz.Match.Hosts);
        var api = Assert.Single(yarp.Routes, r => r.RouteId == "web/shop/r0/p0");
        Assert.Equal("/api/{**catch-all}", api.Match.Path);
        Assert.True(healthz.Order < api.Order);
        var root = Assert.Single(yarp.Routes, r => r.RouteId == "web/shop/r0/p2");
        Assert.Equal("/{**catch-all}", root.Match.Path);
        Assert.True(api.Order < root.Order);
    }

    [Fact]
    public void Build_Clusters_RoundRobinOverEveryEndpoint()
    {
        var yarp = YarpConfigBuilder.Build(Fixtures.Load("host-paths", "cnibench"));

        var api = Assert.Single(yarp.Clusters, c => c.ClusterId == "web/api:8080");
        Assert.Equal("RoundRobin", api.LoadBalancingPolicy);
        Assert.Equal(["http://198.19.1.10:8080", "http://198.19.2.10:8080"], api.Destinations!.Values.Select(d => d.Address).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Build_DefaultBackend_CatchAllRouteLast()
    {
        var yarp = YarpConfigBuilder.Build(Fixtures.Load("default-backend"));

        var fallback = Assert.Single(yarp.Routes, r => r.RouteId == YarpConfigBuilder.DefaultRouteId);
        Assert.Equal("default/catch-all:80", fallback.ClusterId);
        Assert.Null(fallback.Match.Hosts);
        Assert.Equal(yarp.Routes.Max(r => r.Order), fallback.Order);
        Assert.Empty(Assert.Single(yarp.Clusters, c => c.ClusterId == "default/no-pods:80").Destinations!);
    }

    [Fact]
    public void Build_WildcardHost_PassedToYarp()
    {
        var yarp = YarpConfigBuilder.Build(Fixtures.Load("wildcard"));

        Assert.Contains(yarp.Routes, r => r.Match.Hosts is ["*.tenants.example.com"]);
    }
}
