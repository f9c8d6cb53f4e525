using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Crr;

/// <summary>
/// What one crr measurement runs: flows (client processes), connections per flow, percentiles, and what the repetition
/// must not inherit: conntrack entries (flushed on both nodes) and the client's TIME_WAIT sockets to the server (cleared).
/// </summary>
public sealed record CrrRequest(int Flows, int Connections, IReadOnlyList<double> Percentiles, bool FlushConntrack, bool ClearTimeWait = true);

/// <summary>Where conntrack is counted and flushed: the client's and the server's node (null where the cluster has none).</summary>
public sealed record ConntrackNodes(IWorkloadHost? Client, IWorkloadHost? Server);

public sealed record CrrDriverOptions
{
    public TimeSpan ServerReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A client that has not finished its connections by then is hung (a Service that drops SYNs, a dead server).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public static CrrDriverOptions Default { get; } = new();
}

/// <summary>
/// Runs one crr measurement with iperf2: one server on the server host, <c>flows</c> connect-only clients at once, each
/// opening and closing <c>connections</c> TCP connections back to back. Connections/s is the connections of every flow
/// over the longest client's run time less a one-connection run's (the cost of starting iperf); connect-time percentiles come from every connection of every flow merged.
/// conntrack on the client's and server's nodes is flushed first and the client's TIME_WAIT sockets to the server are
/// cleared (so no repetition inherits entries or busy ports); the client node's conntrack count is recorded before and
/// after, and the TIME_WAIT sockets the connections started with. The clients' output is kept as the raw file.
/// </summary>
public sealed class CrrDriver(CrrDriverOptions options)
{
    /// <summary>One-connection runs whose least run time is the start cost.</summary>
    public const int StartCostRuns = 3;

    public CrrDriverOptions Options { get; } = options;

    public async Task<TestOutcome> RunAsync(
        CrrRequest request, IWorkloadHost client, IWorkloadHost server, IPAddress target, ConntrackNodes nodes, IMeasurementSink sink, string rawPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(sink);
        var raw = new StringBuilder();
        var conntrackNotes = new List<string>();
        if (request.FlushConntrack)
        {
            foreach (var node in new[] { nodes.Client, nodes.Server }.OfType<IWorkloadHost>().DistinctBy(n => n.Name))
            {
                if (await Conntrack.FlushAsync(node, cancellationToken) is { } error)
                {
                    conntrackNotes.Add($"flush: {error}");
                }
            }
        }

        var timeWait = await ClientTimeWaitAsync(request, client, target, cancellationToken);
        var before = nodes.Client is null ? (null, "no node") : await Conntrack.CountAsync(nodes.Client, cancellationToken);
        await using var servers = new ToolServers();
        var notReady = await servers.StartAsync(server, [Iperf2Tool.Server(Iperf2Tool.Port)], Iperf2Tool.ReadyMarker, Options.ServerReadyTimeout, cancellationToken);
        if (notReady is not null)
        {
            return TestOutcome.Failed(notReady);
        }

        var spec = Iperf2Tool.ConnectClient(target, Iperf2Tool.Port, request.Connections) with { Timeout = Options.ClientTimeout };
        ProcessResult[] results;
        try
        {
            results = await Task.WhenAll(Enumerable.Range(0, request.Flows).Select(_ => client.Runner.RunAsync(spec, cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ProcessTimeoutException ex)
        {
            return TestOutcome.Failed($"iperf2 client on {client.Name}: {ex.Message}");
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
        catch (Exception ex)
        {
            return TestOutcome.Failed($"iperf2 client on {client.Name} failed to run: {ToolServers.Detail(ex.Message)}");
        }

        var after = nodes.Client is null ? (null, "no node") : await Conntrack.CountAsync(nodes.Client, cancellationToken);
        var parsed = new List<Iperf2ConnectResult>();
        string? failure = null;
        foreach (var (result, flow) in results.Select((r, i) => (r, i)))
        {
            raw.Append(CultureInfo.InvariantCulture, $"# flow {flow}: {spec} (exit {result.ExitCode}, {result.Elapsed.TotalSeconds:0.000} s)\n")
                .Append(result.StandardOutput).Append(result.StandardError).Append('\n');
            var (flowResult, error) = Iperf2ConnectParser.Parse(result.StandardOutput, result.StandardError);
            if (flowResult is null)
            {
                failure ??= $"iperf2 flow {flow.ToString(CultureInfo.InvariantCulture)} to {target}:{Iperf2Tool.Port.ToString(CultureInfo.InvariantCulture)}: {error}";
            }
            else if (flowResult.ConnectTimesUs.Count < request.Connections)
            {
                failure ??= string.Create(CultureInfo.InvariantCulture,
                    $"iperf2 flow {flow} completed {flowResult.ConnectTimesUs.Count} of {request.Connections} connections ({flowResult.Failed} failed)");
            }
            else
            {
                parsed.Add(flowResult);
            }
        }

        // Only after flows that worked: a path that drops SYNs would hold the one-connection run until its timeout too.
        var (startCost, startCostError) = failure is null ? await StartCostAsync(client, target, cancellationToken) : (null, null);
        if (failure is null && startCost is null)
        {
            failure = $"iperf2 start-cost run (one connection) on {client.Name}: {startCostError}";
        }

        conntrackNotes.AddRange(new[] { before.Item2, after.Item2 }.OfType<string>().Where(e => e != "no node").Select(e => $"count: {e}"));
        raw.Append(CultureInfo.InvariantCulture, $"# conntrack on {nodes.Client?.Name ?? "-"}: before {before.Item1?.ToString(CultureInfo.InvariantCulture) ?? "-"}, after {after.Item1?.ToString(CultureInfo.InvariantCulture) ?? "-"}\n");
        foreach (var note in conntrackNotes)
        {
            raw.Append("# conntrack ").Append(note).Append('\n');
        }

        if (startCost is { } cost)
        {
            raw.Append(CultureInfo.InvariantCulture, $"# start cost (least of {StartCostRuns} runs of iperf2 --connect-only=1 on {client.Name}, after the flows): {cost.TotalMilliseconds:0.0} ms, taken off the flows' run time\n");
        }

        raw.Append(CultureInfo.InvariantCulture, $"# TIME_WAIT sockets on {client.Name} to {target}:{Iperf2Tool.Port}: {timeWait.Note}\n");

        var rawFile = await sink.WriteRawAsync(ToolServers.TextPath(rawPath), raw.ToString(), cancellationToken);
        if (failure is not null)
        {
            return TestOutcome.Failed(failure, rawFile);
        }

        // The connections beyond each flow's first, over the time beyond a one-connection run's: what is left is the
        // connections' own time, without starting iperf (one flow's first connection is in both and cancels out).
        var connections = parsed.Sum(p => p.ConnectTimesUs.Count - 1);
        var elapsed = results.Max(r => r.Elapsed) - startCost!.Value;
        if (connections < 1 || elapsed <= TimeSpan.Zero)
        {
            return TestOutcome.Failed(string.Create(CultureInfo.InvariantCulture,
                $"iperf2's run ({results.Max(r => r.Elapsed).TotalMilliseconds:0.0} ms) was not longer than its start cost ({startCost.Value.TotalMilliseconds:0.0} ms): too few connections to time"), rawFile);
        }

        List<Observation> observations = [new(Metrics.ConnectionsPerSecond, connections / elapsed.TotalSeconds, Metrics.ConnectionsPerSecondUnit)];
        observations.AddRange(LatencySamples.Percentiles([.. parsed.Select(p => p.ConnectTimesUs)], request.Percentiles));
        if (before.Item1 is { } b && after.Item1 is { } a)
        {
            observations.Add(new Observation(CrrMetrics.ConntrackEntriesBefore, b, Metrics.Count));
            observations.Add(new Observation(CrrMetrics.ConntrackEntriesAfter, a, Metrics.Count));
        }

        if (timeWait.AtStart is { } atStart)
        {
            observations.Add(new Observation(CrrMetrics.TimeWaitAtStart, atStart, Metrics.Count));
        }

        return TestOutcome.Ok(observations, rawFile);
    }

    /// <summary>
    /// How long a one-connection iperf2 run takes on the client: starting the process (about 20 ms in a lab namespace,
    /// an exec round trip on Kubernetes), which a client's run time includes. Uncorrected, it understated 1000
    /// connections' rate by about a third on the lab (11,700/s against 17,300/s). The least of a few runs: a stall of
    /// the host can only lengthen one (15-39 ms were seen in one default run). Run after the flows, so their conntrack
    /// and TIME_WAIT state is not touched by it.
    /// </summary>
    private async Task<(TimeSpan? Cost, string? Error)> StartCostAsync(IWorkloadHost client, IPAddress target, CancellationToken cancellationToken)
    {
        var spec = Iperf2Tool.ConnectClient(target, Iperf2Tool.Port, 1) with { Timeout = Options.ClientTimeout };
        TimeSpan? least = null;
        for (var i = 0; i < StartCostRuns; i++)
        {
            var (result, error) = await HostCommand.RunAsync(client, spec, cancellationToken);
            if (result is null)
            {
                return (null, error);
            }

            var (parsed, parseError) = Iperf2ConnectParser.Parse(result.StandardOutput, result.StandardError);
            if (parsed is not { ConnectTimesUs.Count: 1 })
            {
                return (null, parseError ?? "iperf2 did not report one connection");
            }

            least = least is { } l && l <= result.Elapsed ? l : result.Elapsed;
        }

        return (least, null);
    }

    /// <summary>
    /// The client's TIME_WAIT sockets to the server, cleared when the request asks: how many the connections start with,
    /// and a line for the raw file saying what was inherited and whether clearing worked.
    /// </summary>
    private static async Task<(long? AtStart, string Note)> ClientTimeWaitAsync(CrrRequest request, IWorkloadHost client, IPAddress target, CancellationToken cancellationToken)
    {
        var (inherited, error) = await TimeWaitSockets.CountAsync(client, target, Iperf2Tool.Port, cancellationToken);
        if (inherited is null)
        {
            return (null, $"not counted: {error}");
        }

        if (!request.ClearTimeWait || inherited == 0)
        {
            return (inherited, string.Create(CultureInfo.InvariantCulture, $"{inherited} at start{(request.ClearTimeWait ? "" : " (clearTimeWait: false)")}"));
        }

        var clearError = await TimeWaitSockets.ClearAsync(client, target, Iperf2Tool.Port, cancellationToken);
        var (left, countError) = await TimeWaitSockets.CountAsync(client, target, Iperf2Tool.Port, cancellationToken);
        var note = string.Create(CultureInfo.InvariantCulture, $"{inherited} inherited, {left?.ToString(CultureInfo.InvariantCulture) ?? "?"} at start after ss -K");
        var why = clearError ?? countError ?? (left > 0 ? "ss -K left them: it needs a kernel with INET_DIAG_DESTROY and CAP_NET_ADMIN in the client's namespace" : null);
        return (left, why is null ? note : $"{note} ({why})");
    }
}
