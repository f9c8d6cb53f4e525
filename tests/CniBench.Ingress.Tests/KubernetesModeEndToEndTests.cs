using System.Net;
using CniBench.Ingress.Yarp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CniBench.Ingress.Tests.KubeObjects;

namespace CniBench.Ingress.Tests;

/// <summary>
/// The real host in --kubernetes mode, fed by the loopback fake API through a kubeconfig file, in front of two
/// in-process backends. Everything listens on 127.0.0.1.
/// </summary>
public sealed class KubernetesModeEndToEndTests
{
    [Fact]
    public async Task KubernetesMode_EndpointSliceChanges_ProxyFollowsAndHealthTurnsReady()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backendA = await LoopbackServer.AnsweringAsync("A", ct);
        await using var backendB = await LoopbackServer.AnsweringAsync("B", ct);
        await using var api = await FakeKubeApiServer.StartAsync();
        api.Failing = true;
        api.Set(
            [IngressTo("web", "cnibench", "web", portName: "http", ns: "bench")],
            [Service("web", "bench", ("http", 80))],
            [Slice("web-1", "web", "bench", [("http", backendA.Port)], ("127.0.0.1", true))]);
        using var dir = new TempDirectory();
        var options = new IngressHostOptions
        {
            Kubernetes = new KubernetesSourceOptions { KubeconfigPath = api.WriteKubeconfig(dir.Path) },
            IngressClass = "cnibench",
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
            HealthListen = [new IPEndPoint(IPAddress.Loopback, 0)],
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        await using var app = IngressHost.Build(options);
        await app.StartAsync(ct);
        var source = app.Services.GetRequiredService<KubernetesIngressSource>();
        // Kestrel binds in the order configured: the proxy address first, then the health address.
        var urls = app.Urls.Select(u => new Uri(u)).ToList();
        Assert.Equal(2, urls.Count);
        using var proxy = new HttpClient { BaseAddress = urls[0], Timeout = TimeSpan.FromSeconds(5) };
        using var health = new HttpClient { BaseAddress = urls[1], Timeout = TimeSpan.FromSeconds(5) };

        // The API server is down: the controller runs, serves nothing, and says so on its health port.
        await WaitUntilAsync(() => source.ApiErrors > 0, ct);
        using (var notReady = await health.GetAsync("/healthz", ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        api.Failing = false;
        await WaitUntilAsync(() => source.Generation == 1, ct);
        using (var ready = await health.GetAsync("/healthz", ct))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await health.GetAsync("/", ct)).StatusCode);
        Assert.Equal("A", await proxy.GetStringAsync("/any", ct));
        // /healthz on the proxy address is an ordinary Ingress path: it goes to the backend.
        Assert.Equal("A", await proxy.GetStringAsync("/healthz", ct));

        api.Set(slices: [Slice("web-1", "web", "bench", [("http", backendB.Port)], ("127.0.0.1", true))]);
        await WaitUntilAsync(() => source.Generation == 2, ct);

        Assert.Equal("B", await proxy.GetStringAsync("/any", ct));
        // Unchanged state afterwards: no further configuration.
        var requests = api.Requests.Count;
        await WaitUntilAsync(() => api.Requests.Count >= requests + 9, ct);
        Assert.Equal(2, source.Generation);
        Assert.Equal(0, source.Rejected);
    }

    [Theory]
    [InlineData(null, "--kubernetes needs --ingress-class")]
    [InlineData("/x/endpoints.yaml", "drop --ingress and --endpoints")]
    public void Build_KubernetesModeMisused_ThrowsArgumentException(string? endpointsPath, string message)
    {
        var options = new IngressHostOptions
        {
            Kubernetes = new KubernetesSourceOptions(),
            EndpointsPath = endpointsPath,
            IngressClass = endpointsPath is null ? null : "cnibench",
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        };

        var error = Assert.Throws<ArgumentException>(() => IngressHost.Build(options));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_KubeconfigMissing_ThrowsArgumentExceptionNamingIt()
    {
        var options = new IngressHostOptions
        {
            Kubernetes = new KubernetesSourceOptions { KubeconfigPath = "/nonexistent/cnibench-kubeconfig" },
            IngressClass = "cnibench",
            Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        };

        var error = Assert.Throws<ArgumentException>(() => IngressHost.Build(options));

        Assert.Contains("no usable Kubernetes client configuration", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Polls a condition for at most 10 s (every 20 ms), failing the test when it never holds.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(20, ct);
        }

        Assert.True(condition(), "condition not met within 10 s");
    }
}
