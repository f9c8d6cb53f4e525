using System.Net;
using System.Net.Sockets;
using CniBench.Core.Processes;
using CniBench.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CniBench.Ingress.Tests;

/// <summary>
/// The generated nginx and HAProxy configurations really route: each proxy is started with its own config and pid file
/// (never the system service) on 127.0.0.1 in front of in-process backends, and stopped at the end.
/// </summary>
public sealed class LiveProxyTests
{
    private const string IngressYaml = """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: live
        spec:
          defaultBackend: {service: {name: fallback, port: {number: 80}}}
          rules:
            - host: a.cnibench.test
              http:
                paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}
                  - {path: /exact, pathType: Exact, backend: {service: {name: b, port: {number: 80}}}}
            - http:
                paths:
                  - {path: /b, pathType: Prefix, backend: {service: {name: b, port: {number: 80}}}}
        """;

    [Fact]
    public async Task Nginx_GeneratedConfig_RoutesByHostAndPath()
    {
        var nginx = ToolPackages.Which("nginx") ?? SkipMissing("nginx");
        await RunAgainstAsync((run, port, config) =>
        {
            var path = Path.Combine(run, "nginx.conf");
            File.WriteAllText(path, NginxConfigWriter.Write(config, new NginxOptions { RunDirectory = run, Listen = [new IPEndPoint(IPAddress.Loopback, port)] }));
            return new ProcessSpec(nginx, ["-c", path, "-p", run + "/", "-e", Path.Combine(run, "error.log")]);
        });
    }

    [Fact]
    public async Task Haproxy_GeneratedConfig_RoutesByHostAndPath()
    {
        var haproxy = ToolPackages.Which("haproxy") ?? SkipMissing("haproxy");
        await RunAgainstAsync((run, port, config) =>
        {
            var path = Path.Combine(run, "haproxy.cfg");
            File.WriteAllText(path, HaproxyConfigWriter.Write(config, new HaproxyOptions { RunDirectory = run, Listen = [new IPEndPoint(IPAddress.Loopback, port)] }));
            return new ProcessSpec(haproxy, ["-db", "-f", path]);
        });
    }

    private static async Task RunAgainstAsync(Func<string, int, IngressConfigSet, ProcessSpec> proxy)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await LoopbackServer.AnsweringAsync("a", ct);
        await using var b = await LoopbackServer.AnsweringAsync("b", ct);
        await using var fallback = await LoopbackServer.AnsweringAsync("fallback", ct);
        using var run = new TempDirectory();
        var ingressPath = Path.Combine(run.Path, "ingress.yaml");
        await File.WriteAllTextAsync(ingressPath, IngressYaml, ct);
        var endpoints = new EndpointsSet([Service("a", a.Port), Service("b", b.Port), Service("fallback", fallback.Port)]);
        var config = IngressConfigLoader.Load([ingressPath], endpoints);
        var port = LoopbackPorts.Free();

        await using var process = LocalProcessRunner.Instance.Start(proxy(run.Path, port, config) with { Timeout = TimeSpan.FromSeconds(60) });
        try
        {
            await WaitForPortAsync(port, process, ct);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            Assert.Equal("a", await GetAsync(client, port, "a.cnibench.test", "/anything", ct));
            Assert.Equal("b", await GetAsync(client, port, "a.cnibench.test:" + port, "/exact", ct));
            Assert.Equal("a", await GetAsync(client, port, "a.cnibench.test", "/exact/below", ct));
            Assert.Equal("b", await GetAsync(client, port, "other.cnibench.test", "/b/c", ct));
            Assert.Equal("fallback", await GetAsync(client, port, "other.cnibench.test", "/bc", ct));
        }
        finally
        {
            await process.StopAsync();
        }
    }

    private static async Task<string> GetAsync(HttpClient client, int port, string host, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        request.Headers.Host = host;
        using var response = await client.SendAsync(request, ct);
        return response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(ct) : $"HTTP {(int)response.StatusCode}";
    }

    private static async Task WaitForPortAsync(int port, IRunningProcess process, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.Completion.IsCompleted)
            {
                var result = await process.Completion;
                Assert.Fail($"{process.Spec.Program} exited with {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, ct);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, ct);
            }
        }

        Assert.Fail($"{process.Spec.Program} did not listen on 127.0.0.1:{port} within 10 s");
    }

    private static ServiceEndpoints Service(string name, int port) =>
        new("default", name, [new ServicePortEndpoints(null, 80, [new IPEndPoint(IPAddress.Loopback, port)])]);


    private static string SkipMissing(string tool)
    {
        ToolPackages.TryGetPackage(tool, out var package);
        Assert.Skip($"{tool} is not installed (Debian package {package})");
        return tool;
    }
}
