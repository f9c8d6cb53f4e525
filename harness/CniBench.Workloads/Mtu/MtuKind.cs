using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Mtu;

/// <summary>
/// The <c>mtu</c> test: the largest IPv4 packet with DF set that crosses from client to server, next to the
/// MTU the client's interface claims. A path that carries less than the interface claims drops every
/// full-size packet the pod sends (a black hole unless "Frag needed" gets back), so it is flagged.
/// </summary>
public sealed class MtuKind : ITestKind
{
    public const string TestName = "mtu";

    private const int MaxDetailLength = 200;

    private static readonly JsonSerializerOptions RawJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        WriteIndented = true,
    };

    public string Name => TestName;

    public string PrimaryMetric => Metrics.PathMtuBytes;

    public async Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var (client, server) = (invocation.Client, invocation.Server);
        if (server.Address.AddressFamily != AddressFamily.InterNetwork)
        {
            return TestOutcome.Unsupported($"the mtu probe is IPv4 only and {server.Name} has {server.Address}");
        }

        var search = await PathMtuSearch.RunAsync(
            client.Mtu,
            (packetBytes, token) => ProbeAsync(client.Runner, server.Address, packetBytes, token),
            cancellationToken);

        var rawFile = search.Probes.Count == 0
            ? null
            : await invocation.Sink.WriteRawAsync(invocation.RawPath, RawReport(client, server, search), cancellationToken);

        if (search.Error is { } error)
        {
            return TestOutcome.Failed(ErrorReason(error, client, server), rawFile);
        }

        if (search.PathMtuBytes is not { } pathMtu)
        {
            return TestOutcome.Failed(
                $"no reply from {server.Name} ({server.Address}) even to a {PathMtuSearch.MinPacketBytes.ToString(CultureInfo.InvariantCulture)}-byte packet: the path does not carry pings",
                rawFile);
        }

        if (!search.Converged)
        {
            return TestOutcome.Failed(
                $"the search stopped after {search.Probes.Count.ToString(CultureInfo.InvariantCulture)} probes without pinning the path MTU",
                rawFile);
        }

        return TestOutcome.Ok(
            [
                new Observation(Metrics.PathMtuBytes, pathMtu, Metrics.Bytes),
                new Observation(MtuMetrics.PodMtuBytes, client.Mtu, Metrics.Bytes),
                new Observation(Metrics.MtuMismatch, IsMismatch(pathMtu, client.Mtu) ? 1 : 0, Metrics.Bool),
            ],
            rawFile);
    }

    /// <summary>
    /// A mismatch is a path that carries less than the interface claims. Above the probe range nothing
    /// is known, so an interface MTU beyond it (loopback's 65536) is compared at the range's top.
    /// </summary>
    public static bool IsMismatch(int pathMtuBytes, int interfaceMtuBytes) =>
        pathMtuBytes < Math.Min(interfaceMtuBytes, PathMtuSearch.MaxPacketBytes);

    private static async Task<PingProbe> ProbeAsync(IProcessRunner runner, IPAddress target, int packetBytes, CancellationToken cancellationToken)
    {
        var spec = PingTool.DontFragmentEcho(target, packetBytes);
        try
        {
            var result = await runner.RunAsync(spec, cancellationToken);
            return PingTool.LooksMissing(result)
                ? new PingProbe(packetBytes, ProbeVerdict.Error, result.ExitCode, MissingMessage(result))
                : PingTool.Interpret(packetBytes, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ToolMissingException ex)
        {
            return new PingProbe(packetBytes, ProbeVerdict.Error, -1, ex.Message);
        }
        catch (Exception ex)
        {
            return new PingProbe(packetBytes, ProbeVerdict.Error, -1, $"'{spec}' did not run: {ex.Message}");
        }
    }

    private static string MissingMessage(ProcessResult result) =>
        $"'{PingTool.Program}' is not installed where the client runs: install the Debian package '{PingTool.Package}' ({Detail(result.StandardError)})";

    private static string ErrorReason(PingProbe error, IWorkloadHost client, IWorkloadHost server)
    {
        // A missing tool and a process that never ran already carry their own explanation.
        if (error.ExitCode < 0 || error.Output.Contains(PingTool.Package, StringComparison.Ordinal))
        {
            return Detail(error.Output);
        }

        var output = error.Output.Length == 0 ? "nothing on stderr" : Detail(error.Output);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"ping from {client.Name} to {server.Name} ({server.Address}) with a {error.PacketBytes}-byte packet exited with code {error.ExitCode}: {output}");
    }

    private static string RawReport(IWorkloadHost client, IWorkloadHost server, PathMtuSearchResult search) =>
        JsonSerializer.Serialize(
            new RawReportRecord(
                client.Name,
                server.Name,
                server.Address.ToString(),
                client.Mtu,
                search.PathMtuBytes,
                [.. search.Probes.Select(p => new RawProbeRecord(p.PacketBytes, p.PacketBytes - PingTool.Ipv4IcmpOverheadBytes, p.Verdict, p.ExitCode, p.Output))]),
            RawJson);

    private static string Detail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= MaxDetailLength ? trimmed : string.Concat("…", trimmed.AsSpan(trimmed.Length - MaxDetailLength + 1));
    }

    private sealed record RawReportRecord(
        string Client,
        string Server,
        string Target,
        int InterfaceMtuBytes,
        int? PathMtuBytes,
        IReadOnlyList<RawProbeRecord> Probes);

    private sealed record RawProbeRecord(int PacketBytes, int PayloadBytes, ProbeVerdict Verdict, int ExitCode, string Output);
}
