using System.Globalization;
using System.Net;
using CniBench.Kubernetes.Metrics;
using CniBench.Kubernetes.Tests.Fakes;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Metrics;

public sealed class NodeMetricsSamplerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeginEnd_MetricsServed_MeanOfBothReadingsOverTheNodesUsed()
    {
        await using var harness = await ProviderHarness.StartAsync();
        var readings = new Queue<string>([
            NodeMetricsList(("node-1", "250m", "1000Ki"), ("node-2", "750m", "3000Ki"), ("node-3", "4", "8Gi")),
            NodeMetricsList(("node-1", "1250m", "2000Ki"), ("node-2", "1750000000n", "4000Ki"), ("node-3", "4", "8Gi")),
        ]);
        harness.Server.ExtraRoutes.Add((http, parts) => ServeMetricsAsync(http, parts, () => readings.Dequeue()));
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        var sampler = new NodeMetricsSampler(connection.Client, connection.Context);

        var window = await sampler.BeginAsync(["node-1", "node-2", "node-1"], Ct);
        var result = await window.EndAsync(Ct);

        Assert.Empty(result.Unsupported);
        var cpu = Assert.Single(result.Observations, o => o.Metric == Core.Measurements.Metrics.NodeCpuCores);
        var memory = Assert.Single(result.Observations, o => o.Metric == Core.Measurements.Metrics.NodeMemoryBytes);

        // node-1: (0.25 + 1.25) / 2 = 0.75, node-2: (0.75 + 1.75) / 2 = 1.25; node-3 is not used.
        Assert.Equal(1.0, cpu.Value, 9);
        Assert.Equal("cores", cpu.Unit);

        // node-1: 1500 Ki, node-2: 3500 Ki.
        Assert.Equal(2500 * 1024.0, memory.Value, 3);
        Assert.Equal("bytes", memory.Unit);
        Assert.Empty(readings);
    }

    [Fact]
    public async Task BeginEnd_MetricsApiNotServed_UnsupportedWithInstallHint()
    {
        await using var harness = await ProviderHarness.StartAsync();
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        var sampler = new NodeMetricsSampler(connection.Client, connection.Context);

        // No route: the fake answers 404 like an API server without the metrics.k8s.io group.
        var result = await (await sampler.BeginAsync(["node-1", "node-2"], Ct)).EndAsync(Ct);

        Assert.Empty(result.Observations);
        Assert.Equal([Core.Measurements.Metrics.NodeCpuCores, Core.Measurements.Metrics.NodeMemoryBytes], result.Unsupported.Select(u => u.Metric));
        Assert.All(result.Unsupported, u => Assert.StartsWith("metrics API (metrics.k8s.io) not served: install metrics-server", u.Reason, StringComparison.Ordinal));
        Assert.Single(harness.Server.Requests, r => r.StartsWith("GET /apis/metrics.k8s.io/v1beta1/nodes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeginEnd_Forbidden_UnsupportedNamingThePermission()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.Fault = (_, path) => path.StartsWith("/apis/metrics.k8s.io", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : null;
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        var sampler = new NodeMetricsSampler(connection.Client, connection.Context);

        var result = await (await sampler.BeginAsync(["node-1"], Ct)).EndAsync(Ct);

        Assert.Empty(result.Observations);
        Assert.All(result.Unsupported, u => Assert.Contains("403 Forbidden", u.Reason, StringComparison.Ordinal));
        Assert.All(result.Unsupported, u => Assert.Contains("nodes.metrics.k8s.io", u.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadAsync_NodeMissingFromMetrics_UnsupportedNamingTheNode()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.ExtraRoutes.Add((http, parts) => ServeMetricsAsync(http, parts, () => NodeMetricsList(("node-1", "100m", "1Mi"))));
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);

        var reading = await new NodeMetricsSampler(connection.Client, connection.Context).ReadAsync(["node-1", "node-2"], Ct);

        Assert.Contains("no metrics for node(s) node-2", reading.UnsupportedReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Combine_EitherReadingUnsupported_BothMetricsUnsupportedWithItsReason()
    {
        var good = new NodeMetricsReading(new Dictionary<string, NodeUsage> { ["n"] = new(1, 2) }, null);

        var result = NodeMetricsSampler.Combine(good, NodeMetricsReading.Unsupported("gone"));

        Assert.Empty(result.Observations);
        Assert.All(result.Unsupported, u => Assert.Equal("gone", u.Reason));
        Assert.Equal(2, result.Unsupported.Count);
    }

    private static async Task<bool> ServeMetricsAsync(HttpContext http, string[] parts, Func<string> body)
    {
        if (http.Request.Method != "GET" || parts is not ["apis", "metrics.k8s.io", "v1beta1", "nodes"])
        {
            return false;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body(), http.RequestAborted);
        return true;
    }

    /// <summary>A NodeMetricsList as metrics-server serves it.</summary>
    private static string NodeMetricsList(params (string Node, string Cpu, string Memory)[] nodes)
    {
        var items = nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $$$"""
            {"metadata":{"name":"{{{n.Node}}}","creationTimestamp":"2026-01-01T00:00:00Z"},"timestamp":"2026-01-01T00:00:00Z","window":"20.0s","usage":{"cpu":"{{{n.Cpu}}}","memory":"{{{n.Memory}}}"}}
            """));
        return $$"""{"kind":"NodeMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[{{string.Join(',', items)}}]}""";
    }
}
