using System.Net;
using CniBench.Kubernetes.Metrics;

namespace CniBench.Kubernetes.Tests.Metrics;

public sealed class KubeletSummarySamplerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeginEnd_CumulativeCpuGrows_CoresAreGrowthOverTheSampleInterval()
    {
        await using var harness = await ProviderHarness.StartAsync(nodes: 3);
        harness.Server.NodeStats["node-1"] = new(10_000_000_000, T0, 1000);
        harness.Server.NodeStats["node-2"] = new(50_000_000_000, T0, 3000);
        harness.Server.NodeStats["node-3"] = new(1, T0, 1);
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);
        var sampler = new KubeletSummarySampler(connection.Client, connection.Context);

        var window = await sampler.BeginAsync(["node-1", "node-2", "node-1"], Ct);
        // The measured window: node-1 used 1.5 cores for 2 s, node-2 0.5 cores for 4 s (its samples further apart).
        harness.Server.NodeStats["node-1"] = new(13_000_000_000, T0.AddSeconds(2), 2000);
        harness.Server.NodeStats["node-2"] = new(52_000_000_000, T0.AddSeconds(4), 4000);
        var result = await window.EndAsync(Ct);

        Assert.Empty(result.Unsupported);
        var cpu = Assert.Single(result.Observations, o => o.Metric == Core.Measurements.Metrics.NodeCpuCores);
        var memory = Assert.Single(result.Observations, o => o.Metric == Core.Measurements.Metrics.NodeMemoryBytes);
        Assert.Equal((1.0, "cores"), (Math.Round(cpu.Value, 9), cpu.Unit));
        Assert.Equal(2500.0, memory.Value, 3);
        Assert.Equal(4, harness.Server.Requests.Count(r => r.Contains("/proxy/stats", StringComparison.Ordinal)));
        Assert.DoesNotContain(harness.Server.Requests, r => r.Contains("node-3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeginEnd_SampleDidNotAdvance_UnsupportedAskingForALongerDuration()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.NodeStats["node-1"] = new(10_000_000_000, T0, 1000);
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);

        var result = await (await new KubeletSummarySampler(connection.Client, connection.Context).BeginAsync(["node-1"], Ct)).EndAsync(Ct);

        Assert.Empty(result.Observations);
        Assert.All(result.Unsupported, u => Assert.Contains("did not advance", u.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeginEnd_NodeProxyForbidden_UnsupportedNamingThePermission()
    {
        await using var harness = await ProviderHarness.StartAsync();
        harness.Server.Fault = (_, path) => path.Contains("/proxy/", StringComparison.Ordinal) ? HttpStatusCode.Forbidden : null;
        using var connection = KubeContexts.Connect(harness.Kubeconfig, ProviderHarness.Context);

        var result = await (await new KubeletSummarySampler(connection.Client, connection.Context).BeginAsync(["node-1"], Ct)).EndAsync(Ct);

        Assert.Empty(result.Observations);
        Assert.Equal(2, result.Unsupported.Count);
        Assert.All(result.Unsupported, u => Assert.Contains("'get' on nodes/proxy", u.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SummaryWithoutCpu_Null()
    {
        Assert.Null(KubeletSummarySampler.Parse("""{"node":{"nodeName":"n","memory":{"workingSetBytes":1}}}"""));
    }
}
