using System.Globalization;
using System.Net;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Crr;

/// <summary>Typed argv for iperf 2.1.8 (Debian package <c>iperf</c>) in its connect-only mode. Pure: nothing runs here.</summary>
public static class Iperf2Tool
{
    public const string Program = "iperf";

    /// <summary>iperf2's own default port; iperf3 (5201) never shares it.</summary>
    public const int Port = 5001;

    /// <summary>What the server prints once it listens.</summary>
    public const string ReadyMarker = "Server listening on TCP port";

    /// <summary>A server for all flows: iperf2 accepts each connection on a thread of its own.</summary>
    public static ProcessSpec Server(int port) =>
        new(Program, ["-s", "-p", Format(port)]);

    /// <summary>
    /// <paramref name="connections"/> new TCP connections one after another, each a full handshake then a close
    /// (<c>--connect-only=N</c>): a count, not a time, since iperf2 2.1.8 does not stop connect-only runs at <c>-t</c>.
    /// </summary>
    public static ProcessSpec ConnectClient(IPAddress target, int port, int connections)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        return new ProcessSpec(Program, ["-c", target.ToString(), "-p", Format(port), $"--connect-only={Format(connections)}"]);
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
