using System.Net;
using CniBench.Ingress.Yarp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CniBench.Ingress.Tests;

/// <summary>The controller on 127.0.0.1 in front of two in-process Kestrel backends; nothing leaves loopback.</summary>
public sealed class YarpIngressEndToEndTests
{
    private const string IngressYaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: e2e
        spec:
          rules:
            - http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
        """;

    [Fact]
    public async Task EndpointsRewritten_KeepAliveConnectionOpen_NewBackendUsedWithoutFailures()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backendA = await LoopbackServer.AnsweringAsync("A", ct);
        await using var backendB = await LoopbackServer.AnsweringAsync("B", ct);
        using var dir = new TempDirectory();
        var endpointsPath = Path.Combine(dir.Path, "endpoints.yaml");
        var ingressDir = Directory.CreateDirectory(Path.Combine(dir.Path, "ingress")).FullName;
        await File.WriteAllTextAsync(Path.Combine(ingressDir, "ingress.yaml"), IngressYaml, ct);
        await WriteAtomicallyAsync(endpointsPath, Endpoints(backendA.Port), ct);
        await using var ingress = await StartIngressAsync(ingressDir, endpointsPath, ct);
        var connections = 0;
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectCallback = async (context, token) =>
            {
                Interlocked.Increment(ref connections);
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = ingress.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var failures = 0;
        async Task<string> GetAsync()
        {
            using var response = await client.GetAsync("/any/path", ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failures++;
            }

            return await response.Content.ReadAsStringAsync(ct);
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("A", await GetAsync());
        }

        await WriteAtomicallyAsync(endpointsPath, Endpoints(backendB.Port), ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var switched = false;
        var requests = 0;
        while (!switched && DateTime.UtcNow < deadline && requests++ < 2000)
        {
            switched = await GetAsync() == "B";
            await Task.Delay(5, ct);
        }

        Assert.True(switched, "the ingress never routed to the new backend");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("B", await GetAsync());
        }

        Assert.Equal(0, failures);
        Assert.Equal(1, Volatile.Read(ref connections));
        Assert.Equal(2, ingress.Watcher.Generation);
    }

    [Fact]
    public async Task EndpointsRewrittenInvalid_OldConfigurationKept()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backendA = await LoopbackServer.AnsweringAsync("A", ct);
        using var dir = new TempDirectory();
        var endpointsPath = Path.Combine(dir.Path, "endpoints.yaml");
        var ingressDir = Directory.CreateDirectory(Path.Combine(dir.Path, "ingress")).FullName;
        await File.WriteAllTextAsync(Path.Combine(ingressDir, "ingress.yaml"), IngressYaml, ct);
        await WriteAtomicallyAsync(endpointsPath, Endpoints(backendA.Port), ct);
        await using var ingress = await StartIngressAsync(ingressDir, endpointsPath, ct);
        using var client = new HttpClient { BaseAddress = ingress.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

        // The Service the Ingress routes to disappears: a configuration error, so the running routes stay.
        await WriteAtomicallyAsync(endpointsPath, "services: []\n", ct);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ingress.Watcher.Rejected == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, ct);
        }

        Assert.Equal(1, ingress.Watcher.Rejected);
        Assert.Equal(1, ingress.Watcher.Generation);
        Assert.Equal("A", await client.GetStringAsync("/", ct));
    }

    [Fact]
    public void Build_IngressToMissingService_ThrowsBeforeListening()
    {
        using var dir = new TempDirectory();
        var endpointsPath = Path.Combine(dir.Path, "endpoints.yaml");
        File.WriteAllText(Path.Combine(dir.Path, "ingress.yaml"), IngressYaml);
        File.WriteAllText(endpointsPath, "services: []\n");

        var error = Assert.Throws<IngressConfigException>(() => IngressHost.Build(Options(Path.Combine(dir.Path, "ingress.yaml"), endpointsPath)));

        Assert.Contains("ingress default/e2e rules[0] http.paths[0]", Assert.Single(error.Errors).Source, StringComparison.Ordinal);
    }

    private static string Endpoints(int port) => $"services:\n  - name: web\n    ports:\n      - port: 80\n        endpoints: [\"127.0.0.1:{port}\"]\n";

    /// <summary>Write-then-rename, so the watcher never reads a half-written file.</summary>
    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken ct)
    {
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, ct);
        File.Move(temp, path, overwrite: true);
    }

    private static IngressHostOptions Options(string ingressPath, string endpointsPath) => new()
    {
        IngressPaths = [ingressPath],
        EndpointsPath = endpointsPath,
        Listen = [new IPEndPoint(IPAddress.Loopback, 0)],
        PollInterval = TimeSpan.FromMilliseconds(50),
    };

    private static async Task<RunningIngress> StartIngressAsync(string ingressPath, string endpointsPath, CancellationToken ct)
    {
        var app = IngressHost.Build(Options(ingressPath, endpointsPath));
        await app.StartAsync(ct);
        return new RunningIngress(app, new Uri(app.Urls.First()), app.Services.GetRequiredService<IngressInputWatcher>());
    }

    private sealed record RunningIngress(WebApplication App, Uri BaseAddress, IngressInputWatcher Watcher) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
