using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Crr;

/// <summary>
/// conntrack (Debian package <c>conntrack</c>) in a node's network namespace: count the entries, or flush them so a run
/// inherits none. The lab's kube-proxy model and policies track flows in the node namespaces; on Kubernetes, the node's
/// host network.
/// </summary>
public static class Conntrack
{
    public const string Program = "conntrack";

    /// <summary>The entry count, or the reason there is none (no conntrack tool or no permission there).</summary>
    public static async Task<(long? Count, string? Error)> CountAsync(IWorkloadHost node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        var (result, error) = await RunAsync(node, ["-C"], cancellationToken);
        if (result is null)
        {
            return (null, error);
        }

        return long.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? (count, null)
            : (null, $"conntrack -C on {node.Name} printed '{result.StandardOutput.Trim()}', not a count");
    }

    /// <summary>Flushes the table; the reason when it could not.</summary>
    public static async Task<string?> FlushAsync(IWorkloadHost node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        return (await RunAsync(node, ["-F"], cancellationToken)).Error;
    }

    private static Task<(ProcessResult? Result, string? Error)> RunAsync(IWorkloadHost node, IReadOnlyList<string> args, CancellationToken cancellationToken) =>
        HostCommand.RunAsync(node, Program, args, cancellationToken);
}
