using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Kubernetes.Netpol;

/// <summary>One probe of a batch: its position in the round and where it goes.</summary>
public sealed record AgnhostProbe(int Index, IPAddress Address, int Port, NetpolProtocol Protocol);

/// <summary>What one <c>agnhost connect</c> reported: its exit code and the first line it wrote to stderr.</summary>
public sealed record AgnhostConnectLine(int Index, int ExitCode, string Message);

/// <summary>
/// The shell script that runs a source pod's probes concurrently with <c>agnhost connect</c> inside one exec,
/// and the parser of what it prints. Building and parsing are separate, pure steps so both are unit-tested.
/// </summary>
public static class AgnhostConnectScript
{
    /// <summary>Where the agnhost image keeps its binary (the model pods run <c>/agnhost porter</c>).</summary>
    public const string AgnhostPath = "/agnhost";

    // p runs one probe and prints "<index> <exit code> <first stderr line>". The stderr capture drops stdout
    // (connect prints nothing there), keeps only the first line, and is one short write, so lines of concurrent
    // probes do not interleave within a line on the pipe.
    private const string Prelude =
        "nl='\n'\n" +
        "p() { i=$1; shift; e=$(" + AgnhostPath + " connect \"$@\" 2>&1 >/dev/null); c=$?; e=${e%%\"$nl\"*}; echo \"$i $c $e\"; }\n";

    /// <summary>
    /// The argv for one exec: <c>sh -c &lt;script&gt;</c>. The script is made only of validated integers, IP
    /// addresses formatted by <see cref="IPAddress"/> and fixed protocol words; no caller text reaches it.
    /// </summary>
    public static IReadOnlyList<string> Argv(IReadOnlyList<AgnhostProbe> probes, TimeSpan timeout) => ["sh", "-c", Script(probes, timeout)];

    public static string Script(IReadOnlyList<AgnhostProbe> probes, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var script = new StringBuilder(Prelude);
        var flag = "--timeout=" + Seconds(timeout) + "s";
        foreach (var probe in probes)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(probe.Index);
            ArgumentOutOfRangeException.ThrowIfLessThan(probe.Port, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(probe.Port, 65535);
            script.Append("p ").Append(I(probe.Index)).Append(' ')
                .Append(Endpoint(probe.Address, probe.Port)).Append(' ')
                .Append(flag).Append(" --protocol=").Append(ProtocolWord(probe.Protocol)).Append(" &\n");
        }

        return script.Append("wait\n").ToString();
    }

    /// <summary>Reads the result lines; lines that are not results (e.g. a shell warning) are ignored, the first line per index wins.</summary>
    public static IReadOnlyDictionary<int, AgnhostConnectLine> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var results = new Dictionary<int, AgnhostConnectLine>();
        foreach (var raw in stdout.Split('\n'))
        {
            var parts = raw.TrimEnd('\r').Split(' ', 3);
            if (parts.Length < 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var exit))
            {
                continue;
            }

            results.TryAdd(index, new AgnhostConnectLine(index, exit, parts.Length == 3 ? parts[2].Trim() : string.Empty));
        }

        return results;
    }

    /// <summary>
    /// agnhost connect exits 0 on success and 1 on failure, with stderr starting TIMEOUT, REFUSED, DNS, UNKNOWN or
    /// OTHER (test/images/agnhost/connect/connect.go). Only TIMEOUT and REFUSED say something about the path; every
    /// other failure (including 127: no agnhost in the image) is a probe error, never read as "blocked".
    /// </summary>
    public static ProbeOutcome Classify(int exitCode, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (exitCode == 0)
        {
            return ProbeOutcome.Connected;
        }

        if (exitCode != 1)
        {
            return ProbeOutcome.Error;
        }

        if (message.StartsWith("TIMEOUT", StringComparison.Ordinal))
        {
            return ProbeOutcome.TimedOut;
        }

        return message.StartsWith("REFUSED", StringComparison.Ordinal) ? ProbeOutcome.Refused : ProbeOutcome.Error;
    }

    private static string Endpoint(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]:" + I(port) : address + ":" + I(port);

    private static string ProtocolWord(NetpolProtocol protocol) => protocol switch
    {
        NetpolProtocol.Tcp => "tcp",
        NetpolProtocol.Udp => "udp",
        NetpolProtocol.Sctp => "sctp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, null),
    };

    // Go durations take fractions ("1.5s"); whole milliseconds, at least one, since 0 would mean "no timeout".
    private static string Seconds(TimeSpan timeout) => Math.Max(0.001, Math.Round(timeout.TotalSeconds, 3)).ToString("0.###", CultureInfo.InvariantCulture);

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
