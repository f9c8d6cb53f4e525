using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using k8s;
using k8s.Autorest;

namespace CniBench.Kubernetes.Metrics;

/// <summary>
/// Node CPU over the measured window from each kubelet's summary API (<c>/api/v1/nodes/&lt;node&gt;/proxy/stats/summary</c>),
/// read when a measurement starts and when it ends. <c>node.cpu.usageCoreNanoSeconds</c> is cumulative, so the cores
/// used in between are its growth divided by the time between the two samples (<c>node.cpu.time</c>, the kubelet's own
/// sample times): the load of exactly that interval, not a metrics-server average over 15 s or more that dwarfs a
/// short test. The kubelet refreshes node stats on its housekeeping interval (about 10 s for cAdvisor), so a window
/// shorter than that may see no new sample: that is reported as unsupported rather than as zero. Memory is the mean of
/// both readings' <c>node.memory.workingSetBytes</c>. The figure is the mean over the nodes the measurement used.
/// </summary>
public sealed class KubeletSummarySampler(IKubernetes client, string context) : IClusterTelemetry
{
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

    /// <summary>One summary per node, or why there is none.</summary>
    public async Task<SummaryReading> ReadAsync(IReadOnlyList<string> nodeNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodeNames);
        var nodes = new Dictionary<string, NodeStats>(StringComparer.Ordinal);
        foreach (var node in nodeNames)
        {
            string json;
            try
            {
                await using var body = await client.CoreV1.ConnectGetNodeProxyWithPathAsync(node, "stats/summary", cancellationToken: cancellationToken);
                using var reader = new StreamReader(body);
                json = await reader.ReadToEndAsync(cancellationToken);
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Forbidden)
            {
                return SummaryReading.Unsupported($"cluster '{context}' refused reading the kubelet summary of node {node} (403 Forbidden): the kubeconfig's user needs 'get' on nodes/proxy");
            }
            catch (Exception ex) when (KubeErrors.IsApiFailure(ex) || ex is TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return SummaryReading.Unsupported(KubeErrors.Describe(ex, context, $"reading the kubelet summary of node {node} (nodes/{node}/proxy/stats/summary)"));
            }

            if (Parse(json) is not { } stats)
            {
                return SummaryReading.Unsupported($"cluster '{context}': the kubelet summary of node {node} has no node.cpu.usageCoreNanoSeconds and node.cpu.time");
            }

            nodes[node] = stats;
        }

        return new SummaryReading(nodes, null);
    }

    /// <summary>The node section of a kubelet summary (k8s.io/kubelet/pkg/apis/stats/v1alpha1 Summary.Node); null without CPU figures.</summary>
    public static NodeStats? Parse(string summaryJson)
    {
        var cpu = JsonNode.Parse(summaryJson)?["node"]?["cpu"];
        var memory = JsonNode.Parse(summaryJson)?["node"]?["memory"];
        if (cpu?["usageCoreNanoSeconds"]?.GetValue<ulong>() is not { } used
            || !DateTimeOffset.TryParse(cpu["time"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return null;
        }

        return new NodeStats(used, time, memory?["workingSetBytes"]?.GetValue<ulong>());
    }

    /// <summary>Cores used between the readings (mean over nodes), and mean working set; unsupported with the reason.</summary>
    public static TelemetryResult Combine(SummaryReading before, SummaryReading after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if ((before.UnsupportedReason ?? after.UnsupportedReason) is { } reason)
        {
            return Unsupported(reason);
        }

        var nodes = before.Nodes.Keys.Where(after.Nodes.ContainsKey).Order(StringComparer.Ordinal).ToList();
        if (nodes.Count == 0)
        {
            return TelemetryResult.None;
        }

        var stale = nodes.Where(n => after.Nodes[n].Time <= before.Nodes[n].Time).ToList();
        if (stale.Count > 0)
        {
            return Unsupported($"the kubelet's CPU sample of node(s) {string.Join(", ", stale)} did not advance during the measurement (the kubelet refreshes node stats about every 10 s): use a longer duration");
        }

        var cores = nodes.Average(n => (after.Nodes[n].UsageCoreNanoSeconds - (double)before.Nodes[n].UsageCoreNanoSeconds) / 1e9 / (after.Nodes[n].Time - before.Nodes[n].Time).TotalSeconds);
        List<Observation> observations = [new(Core.Measurements.Metrics.NodeCpuCores, cores, Core.Measurements.Metrics.Cores)];
        if (nodes.All(n => before.Nodes[n].WorkingSetBytes is not null && after.Nodes[n].WorkingSetBytes is not null))
        {
            var memory = nodes.Average(n => ((double)before.Nodes[n].WorkingSetBytes!.Value + after.Nodes[n].WorkingSetBytes!.Value) / 2);
            observations.Add(new(Core.Measurements.Metrics.NodeMemoryBytes, memory, Core.Measurements.Metrics.Bytes));
        }

        return new TelemetryResult(observations, []);
    }

    private static TelemetryResult Unsupported(string reason) =>
        new([], [new UnsupportedMetric(Core.Measurements.Metrics.NodeCpuCores, reason), new UnsupportedMetric(Core.Measurements.Metrics.NodeMemoryBytes, reason)]);

    private sealed class Window(KubeletSummarySampler sampler, IReadOnlyList<string> nodes, SummaryReading before) : ITelemetryWindow
    {
        public async Task<TelemetryResult> EndAsync(CancellationToken cancellationToken) =>
            Combine(before, before.UnsupportedReason is null ? await sampler.ReadAsync(nodes, cancellationToken) : before);
    }
}

/// <summary>A node's cumulative CPU time at the kubelet's sample time, and its working set then (if reported).</summary>
public sealed record NodeStats(ulong UsageCoreNanoSeconds, DateTimeOffset Time, ulong? WorkingSetBytes);

/// <summary>Stats per node name, or why there are none.</summary>
public sealed record SummaryReading(IReadOnlyDictionary<string, NodeStats> Nodes, string? UnsupportedReason)
{
    public static SummaryReading Unsupported(string reason) => new(new Dictionary<string, NodeStats>(), reason);
}
