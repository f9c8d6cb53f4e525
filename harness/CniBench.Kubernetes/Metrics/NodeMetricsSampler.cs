using CniBench.Core.Clusters;
using System.Net;
using CniBench.Core.Measurements;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CniBench.Kubernetes.Metrics;

/// <summary>
/// Node CPU and memory from the resource metrics API (<c>metrics.k8s.io/v1beta1</c>, served by metrics-server), read
/// when a measurement starts and when it ends. metrics-server reports usage already averaged over its own window
/// (typically 15 s to 1 min), so the figure is the mean of the two readings, then the mean over the nodes used: a
/// coarse picture of node load during the measurement, not a precise account of it.
/// </summary>
public sealed class NodeMetricsSampler(IKubernetes client, string context) : IClusterTelemetry
{
    public const string NotServed = "metrics API (metrics.k8s.io) not served: install metrics-server";

    public Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BeginAsync(request.NodeNames, cancellationToken);
    }

    public async Task<ITelemetryWindow> BeginAsync(IReadOnlyCollection<string> nodeNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodeNames);
        var nodes = nodeNames.Distinct(StringComparer.Ordinal).ToList();
        return new Window(this, nodes, await ReadAsync(nodes, cancellationToken));
    }

    /// <summary>One reading of the given nodes' usage; unsupported when the API cannot answer.</summary>
    public async Task<NodeMetricsReading> ReadAsync(IReadOnlyCollection<string> nodeNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodeNames);
        NodeMetricsList list;
        try
        {
            list = await client.CustomObjects.ListClusterCustomObjectAsync<NodeMetricsList>("metrics.k8s.io", "v1beta1", "nodes", cancellationToken: cancellationToken);
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            // 404: nothing registers the group; 503: the APIService exists but metrics-server behind it is down.
            return NodeMetricsReading.Unsupported($"{NotServed} (cluster '{context}' answered {(int)ex.Response!.StatusCode})");
        }
        catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Forbidden)
        {
            return NodeMetricsReading.Unsupported($"cluster '{context}' refused reading node metrics (403 Forbidden): the kubeconfig's user needs 'list' on nodes.metrics.k8s.io");
        }
        catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return NodeMetricsReading.Unsupported(KubeErrors.Describe(ex, context, "reading node metrics (metrics.k8s.io)"));
        }

        var usage = new Dictionary<string, NodeUsage>(StringComparer.Ordinal);
        foreach (var item in list?.Items ?? [])
        {
            if (item.Metadata?.Name is { } name && nodeNames.Contains(name) && item.Usage is { } values
                && values.TryGetValue("cpu", out var cpu) && values.TryGetValue("memory", out var memory))
            {
                usage[name] = new NodeUsage((double)cpu.ToDecimal(), (double)memory.ToDecimal());
            }
        }

        var missing = nodeNames.Where(n => !usage.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        return missing.Count > 0
            ? NodeMetricsReading.Unsupported($"cluster '{context}' reports no metrics for node(s) {string.Join(", ", missing)} (metrics-server may not have scraped them yet)")
            : new NodeMetricsReading(usage, null);
    }

    /// <summary>Mean over nodes of the mean of both readings; unsupported when either reading is.</summary>
    public static TelemetryResult Combine(NodeMetricsReading before, NodeMetricsReading after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if ((before.UnsupportedReason ?? after.UnsupportedReason) is { } reason)
        {
            return new TelemetryResult([], [new UnsupportedMetric(Core.Measurements.Metrics.NodeCpuCores, reason), new UnsupportedMetric(Core.Measurements.Metrics.NodeMemoryBytes, reason)]);
        }

        var nodes = before.Nodes.Keys.Where(after.Nodes.ContainsKey).ToList();
        if (nodes.Count == 0)
        {
            return TelemetryResult.None;
        }

        var cpu = nodes.Average(n => (before.Nodes[n].CpuCores + after.Nodes[n].CpuCores) / 2);
        var memory = nodes.Average(n => (before.Nodes[n].MemoryBytes + after.Nodes[n].MemoryBytes) / 2);
        return new TelemetryResult([new Observation(Core.Measurements.Metrics.NodeCpuCores, cpu, Core.Measurements.Metrics.Cores), new Observation(Core.Measurements.Metrics.NodeMemoryBytes, memory, Core.Measurements.Metrics.Bytes)], []);
    }

    private sealed class Window(NodeMetricsSampler sampler, IReadOnlyList<string> nodes, NodeMetricsReading before) : ITelemetryWindow
    {
        public async Task<TelemetryResult> EndAsync(CancellationToken cancellationToken) =>
            Combine(before, before.UnsupportedReason is null ? await sampler.ReadAsync(nodes, cancellationToken) : before);
    }
}

/// <summary>One node's usage as metrics-server reports it.</summary>
public sealed record NodeUsage(double CpuCores, double MemoryBytes);

/// <summary>Usage per node name, or why there is none.</summary>
public sealed record NodeMetricsReading(IReadOnlyDictionary<string, NodeUsage> Nodes, string? UnsupportedReason)
{
    public static NodeMetricsReading Unsupported(string reason) => new(new Dictionary<string, NodeUsage>(), reason);
}
