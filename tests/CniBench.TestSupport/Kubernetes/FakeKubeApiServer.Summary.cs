using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>A node's figures in the kubelet summary: cumulative CPU time at a sample time, and the working set.</summary>
public sealed record FakeNodeStats(ulong UsageCoreNanoSeconds, DateTimeOffset Time, ulong WorkingSetBytes);

/// <summary>The kubelet summary API through the API server's node proxy (<c>/api/v1/nodes/&lt;node&gt;/proxy/stats/summary</c>).</summary>
public sealed partial class FakeKubeApiServer
{
    /// <summary>What each node's kubelet reports now; a node not listed answers 404 (no such node).</summary>
    public ConcurrentDictionary<string, FakeNodeStats> NodeStats { get; } = new(StringComparer.Ordinal);

    private async Task ServeSummaryAsync(HttpContext http, string node)
    {
        if (!NodeStats.TryGetValue(node, out var stats))
        {
            await WriteStatusAsync(http, HttpStatusCode.NotFound, $"nodes \"{node}\" not found");
            return;
        }

        // The node section as k8s.io/kubelet/pkg/apis/stats/v1alpha1 Summary.Node serialises it (abridged).
        var time = stats.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var json = string.Create(CultureInfo.InvariantCulture, $$$"""
            {"node":{"nodeName":"{{{node}}}","startTime":"2026-01-01T00:00:00Z","cpu":{"time":"{{{time}}}","usageNanoCores":123456789,"usageCoreNanoSeconds":{{{stats.UsageCoreNanoSeconds}}}},"memory":{"time":"{{{time}}}","workingSetBytes":{{{stats.WorkingSetBytes}}}}},"pods":[]}
            """);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(json, http.RequestAborted);
    }
}
