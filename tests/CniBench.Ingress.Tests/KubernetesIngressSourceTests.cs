using CniBench.Ingress.Yarp;
using Microsoft.Extensions.Logging.Abstractions;
using static CniBench.Ingress.Tests.KubeObjects;

namespace CniBench.Ingress.Tests;

/// <summary>One poll at a time against the loopback fake API: what is applied, what is kept, what is logged once.</summary>
public sealed class KubernetesIngressSourceTests
{
    [Fact]
    public async Task PollOnceAsync_UnchangedClusterState_AppliesOnlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Set([IngressTo("web", "cnibench", "web")], [Service("web", "default", (null, 80))], [Slice("web-1", "web", "default", [(null, 8080)], ("10.0.0.1", true), ("10.0.0.2", true))]);
        using var client = api.Client();
        using var provider = new IngressProxyConfigProvider();
        using var source = Source(client, provider);

        Assert.True(await source.PollOnceAsync(ct));
        Assert.False(await source.PollOnceAsync(ct));
        Assert.False(await source.PollOnceAsync(ct));

        Assert.Equal(1, source.Generation);
        Assert.Equal(2, Assert.Single(provider.GetConfig().Clusters).Destinations!.Count);
    }

    [Fact]
    public async Task PollOnceAsync_ServiceDisappears_RejectedOnceAndLastGoodKept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Set([IngressTo("web", "cnibench", "web")], [Service("web", "default", (null, 80))], [Slice("web-1", "web", "default", [(null, 8080)], ("10.0.0.1", true))]);
        using var client = api.Client();
        using var provider = new IngressProxyConfigProvider();
        using var source = Source(client, provider);
        Assert.True(await source.PollOnceAsync(ct));
        var good = provider.GetConfig();

        api.Set(services: []);
        Assert.False(await source.PollOnceAsync(ct));
        Assert.False(await source.PollOnceAsync(ct));

        Assert.Equal(1, source.Rejected);
        Assert.Equal(1, source.Generation);
        Assert.Same(good, provider.GetConfig());
    }

    [Fact]
    public async Task PollOnceAsync_ApiFailsThenRecovers_KeepsConfigThenAppliesChange()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Set([IngressTo("web", "cnibench", "web")], [Service("web", "default", (null, 80))], [Slice("web-1", "web", "default", [(null, 8080)], ("10.0.0.1", true))]);
        using var client = api.Client();
        using var provider = new IngressProxyConfigProvider();
        using var source = Source(client, provider);
        Assert.True(await source.PollOnceAsync(ct));
        var good = provider.GetConfig();

        api.Failing = true;
        Assert.False(await source.PollOnceAsync(ct));
        Assert.Same(good, provider.GetConfig());
        api.Failing = false;
        api.Set(slices: [Slice("web-1", "web", "default", [(null, 8080)], ("10.0.0.1", false), ("10.0.0.7", true))]);
        Assert.True(await source.PollOnceAsync(ct));

        Assert.Equal(1, source.ApiErrors);
        Assert.Equal(2, source.Generation);
        Assert.Equal("http://10.0.0.7:8080", Assert.Single(Assert.Single(provider.GetConfig().Clusters).Destinations!.Values).Address);
    }

    [Fact]
    public async Task PollOnceAsync_NamespaceGiven_ListsOnlyThatNamespace()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var api = await FakeKubeApiServer.StartAsync();
        // The Ingress in "other" routes to a Service that does not exist: read, it would make the configuration invalid.
        api.Set(
            [IngressTo("web", "cnibench", "web", ns: "bench"), IngressTo("broken", "cnibench", "gone", ns: "other")],
            [Service("web", "bench", (null, 80))],
            [Slice("web-1", "web", "bench", [(null, 8080)], ("10.0.0.1", true))]);
        using var client = api.Client();
        using var provider = new IngressProxyConfigProvider();
        using var source = Source(client, provider, "bench");

        Assert.True(await source.PollOnceAsync(ct));

        Assert.Equal("bench/web:80", Assert.Single(provider.GetConfig().Clusters).ClusterId);
    }

    private static KubernetesIngressSource Source(k8s.IKubernetes client, IngressProxyConfigProvider provider, string? ns = null) => new(
        new IngressHostOptions { IngressClass = "cnibench", Kubernetes = new KubernetesSourceOptions { Namespace = ns } },
        client,
        provider,
        TimeProvider.System,
        NullLogger<KubernetesIngressSource>.Instance);
}
