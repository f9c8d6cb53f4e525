using System.Globalization;
using System.Net;
using System.Net.Sockets;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Mtu;

/// <summary>What one don't-fragment ping told us about a packet size.</summary>
public enum ProbeVerdict
{
    /// <summary>The echo reply came back: a packet of this size crosses the path.</summary>
    Reply,

    /// <summary>No reply: refused locally as too long, answered with "Frag needed", or dropped silently.</summary>
    NoReply,

    /// <summary>ping itself failed (unreachable network, bad argument, missing tool): the search cannot go on.</summary>
    Error,
}

/// <summary>One probe: the IPv4 packet size tried and what ping said about it.</summary>
public sealed record PingProbe(int PacketBytes, ProbeVerdict Verdict, int ExitCode, string Output);

/// <summary>Typed wrapper around iputils <c>ping</c> for one IPv4 echo with the don't-fragment bit set.</summary>
public static class PingTool
{
    public const string Program = "ping";

    public const string Package = "iputils-ping";

    /// <summary>IPv4 header (20) plus ICMP echo header (8): what ping's <c>-s</c> payload leaves out of the packet.</summary>
    public const int Ipv4IcmpOverheadBytes = 28;

    /// <summary>ping's <c>-W</c>: how long one probe waits for its reply.</summary>
    public static TimeSpan ReplyWait { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Generous over <see cref="ReplyWait"/>: process start inside a namespace or a pod exec costs time too.</summary>
    public static TimeSpan ProcessTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>ping -n -M do -c 1 -W 1 -s &lt;payload&gt; &lt;target&gt;</c>; <c>-n</c> because lab and pod
    /// namespaces have no resolver and a reverse lookup of a "Frag needed" sender would only stall.
    /// </summary>
    public static ProcessSpec DontFragmentEcho(IPAddress target, int packetBytes)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{target}' is not an IPv4 address; the probe sizes assume a 20-byte IPv4 header", nameof(target));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(packetBytes, Ipv4IcmpOverheadBytes);
        var payload = (packetBytes - Ipv4IcmpOverheadBytes).ToString(CultureInfo.InvariantCulture);
        var wait = ((int)ReplyWait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return new ProcessSpec(Program, ["-n", "-M", "do", "-c", "1", "-W", wait, "-s", payload, target.ToString()])
        {
            Timeout = ProcessTimeout,
        };
    }

    /// <summary>
    /// ping exits 0 when a reply came back, 1 when none did (including a local "message too long" and a
    /// "Frag needed" answer), and 2 on any other error; 126/127 are a shell or exec API saying it is not there.
    /// </summary>
    public static PingProbe Interpret(int packetBytes, ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var output = string.Join('\n', new[] { result.StandardOutput.Trim(), result.StandardError.Trim() }.Where(s => s.Length > 0));
        var verdict = result.ExitCode switch
        {
            0 => ProbeVerdict.Reply,
            1 => ProbeVerdict.NoReply,
            _ => ProbeVerdict.Error,
        };
        return new PingProbe(packetBytes, verdict, result.ExitCode, output);
    }

    /// <summary>True when the exit code or the text says that no ping program could be run.</summary>
    public static bool LooksMissing(ProcessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.ExitCode is 126 or 127
            || result.StandardError.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
            || result.StandardError.Contains("ping: not found", StringComparison.OrdinalIgnoreCase);
    }
}
