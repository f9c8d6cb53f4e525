using System.Globalization;
using System.Net;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Rr;

/// <summary>
/// Typed argv for sockperf 3.7 (Debian): a server per flow and a <c>ping-pong</c> client per flow. Pure: nothing runs here.
/// </summary>
public static class SockperfTool
{
    public const string Program = "sockperf";

    /// <summary>The first flow's port; flow i uses <c>BasePort + i</c>, over TCP or UDP.</summary>
    public const int BasePort = 11111;

    /// <summary>What the server prints once its socket is open and its receive thread runs.</summary>
    public const string ReadyMarker = "to block on socket";

    /// <summary>
    /// The client writes every transaction's round trip to this file (<c>--full-log</c>): stderr, so the samples reach the
    /// harness through the runner wherever the client runs (a namespace, a pod) and never mix with the summary on stdout.
    /// </summary>
    public const string SampleLog = "/dev/stderr";

    public static int PortOf(int flow) => BasePort + flow;

    public static ProcessSpec Server(IPAddress address, string protocol, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        List<string> args = ["server", "-i", address.ToString(), "-p", Format(port)];
        if (IsTcp(protocol))
        {
            args.Add("--tcp");
        }

        return new ProcessSpec(Program, args);
    }

    /// <summary>
    /// A ping-pong client: one message in flight, the next sent when the reply arrives. <c>--full-rtt</c> reports the round
    /// trip (sockperf's default is half of it), which is what a request/response transaction costs.
    /// </summary>
    public static ProcessSpec Client(IPAddress target, string protocol, int port, long messageBytes, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (messageBytes is < RrTestSpec.MinMessageBytes or > RrTestSpec.MaxMessageBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(messageBytes), messageBytes, "outside sockperf's message sizes");
        }

        List<string> args =
        [
            "ping-pong",
            "-i", target.ToString(),
            "-p", Format(port),
            "-m", Format(messageBytes),
            "-t", Format(WholeSeconds(duration)),
            "--full-rtt",
            "--full-log", SampleLog,
        ];
        if (IsTcp(protocol))
        {
            args.Add("--tcp");
        }

        return new ProcessSpec(Program, args);
    }

    /// <summary>sockperf's -t is whole seconds; a fraction rounds up.</summary>
    public static long WholeSeconds(TimeSpan duration) => Math.Max(1, (long)Math.Ceiling(duration.TotalSeconds));

    private static bool IsTcp(string protocol) => protocol switch
    {
        RrTestSpec.Tcp => true,
        RrTestSpec.Udp => false,
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "sockperf speaks tcp or udp"),
    };

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
