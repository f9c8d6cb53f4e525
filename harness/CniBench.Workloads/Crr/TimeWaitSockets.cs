using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;

namespace CniBench.Workloads.Crr;

/// <summary>
/// The client's TIME_WAIT sockets towards the server's port, through <c>ss</c> (Debian package iproute2). The client
/// closes each connection first, so each one holds its local port in TIME_WAIT for 60 s, and the kernel's search for a
/// free port grows with them: on the lab, 5000 connections ran at about 20,000/s from a clean namespace and at 3,900/s
/// and then 1,300/s with the previous runs' 5,000 and 15,000 sockets left. A repetition must not inherit them, as it
/// must not inherit conntrack entries. <c>ss -K</c> destroys them (SOCK_DESTROY: a kernel with INET_DIAG_DESTROY and
/// CAP_NET_ADMIN in the client's namespace; the lab has both, a pod usually lacks the capability).
/// </summary>
public static class TimeWaitSockets
{
    public const string Program = "ss";

    /// <summary>The sockets that count: TIME_WAIT towards this address and port only, so nothing else on the host is touched.</summary>
    public static IReadOnlyList<string> Filter(IPAddress target, int port)
    {
        ArgumentNullException.ThrowIfNull(target);
        return ["state", "time-wait", "dst", target.ToString(), "dport", "=", ":" + port.ToString(CultureInfo.InvariantCulture)];
    }

    /// <summary>How many there are, or the reason there is no count.</summary>
    public static async Task<(long? Count, string? Error)> CountAsync(IWorkloadHost client, IPAddress target, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var (result, error) = await HostCommand.RunAsync(client, Program, ["-Htn", .. Filter(target, port)], cancellationToken);
        return result is null ? (null, error) : (CountLines(result.StandardOutput), null);
    }

    /// <summary>Destroys them; the reason when ss could not run. Whether they went, only a count afterwards tells.</summary>
    public static async Task<string?> ClearAsync(IWorkloadHost client, IPAddress target, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return (await HostCommand.RunAsync(client, Program, ["-HtnK", .. Filter(target, port)], cancellationToken)).Error;
    }

    private static long CountLines(string text) => text.Split('\n').LongCount(line => !string.IsNullOrWhiteSpace(line));
}
