using System.Globalization;
using System.Net;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Workloads.Latency;

namespace CniBench.Workloads.Rr;

/// <summary>What one rr measurement runs: the variant, how long, and which percentiles to report.</summary>
public sealed record RrRequest(RrVariant Variant, TimeSpan Duration, IReadOnlyList<double> Percentiles);

public sealed record SockperfDriverOptions
{
    public TimeSpan ServerReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Added to the run's own length (and sockperf's warm-up) before a client is deemed hung.</summary>
    public TimeSpan ClientTimeoutMargin { get; init; } = TimeSpan.FromSeconds(15);

    public static SockperfDriverOptions Default { get; } = new();
}

/// <summary>
/// Runs one rr measurement with sockperf: a server per flow on the server host (ports 11111, 11112, …), a ping-pong
/// client per flow on the client host, all clients at once. Transactions/s is the sum over the flows; the latency
/// percentiles come from every flow's round trips merged. Each client's summary is kept as the raw file. Every failure
/// becomes a failed outcome with its reason; only the caller's cancellation escapes.
/// </summary>
public sealed class SockperfDriver(SockperfDriverOptions options)
{
    public SockperfDriverOptions Options { get; } = options;

    public async Task<TestOutcome> RunAsync(RrRequest request, IWorkloadHost client, IWorkloadHost server, IPAddress target, IMeasurementSink sink, string rawPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sink);
        var variant = request.Variant;
        var flows = Enumerable.Range(0, variant.Flows).ToList();
        List<ProcessSpec> clients;
        try
        {
            clients = [.. flows.Select(i => SockperfTool.Client(target, variant.Protocol, SockperfTool.PortOf(i), variant.MessageBytes, request.Duration) with
            {
                Timeout = TimeSpan.FromSeconds(SockperfTool.WholeSeconds(request.Duration)) + Options.ClientTimeoutMargin,
            })];
        }
        catch (ArgumentException ex)
        {
            return TestOutcome.Failed($"invalid rr request: {ex.Message}");
        }

        await using var servers = new ToolServers();
        var notReady = await servers.StartAsync(server, flows.Select(i => SockperfTool.Server(server.Address, variant.Protocol, SockperfTool.PortOf(i))),
            SockperfTool.ReadyMarker, Options.ServerReadyTimeout, cancellationToken);
        if (notReady is not null)
        {
            return TestOutcome.Failed(notReady);
        }

        ProcessResult[] results;
        try
        {
            results = await Task.WhenAll(clients.Select(spec => client.Runner.RunAsync(spec, cancellationToken)));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ProcessTimeoutException ex)
        {
            return TestOutcome.Failed($"sockperf client on {client.Name}: {ex.Message}");
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
        catch (Exception ex)
        {
            return TestOutcome.Failed($"sockperf client on {client.Name} failed to run: {ToolServers.Detail(ex.Message)}");
        }

        var raw = new StringBuilder();
        var parsed = new List<SockperfFlowResult>();
        string? failure = null;
        foreach (var (result, flow) in results.Select((r, i) => (r, i)))
        {
            raw.Append(CultureInfo.InvariantCulture, $"# flow {flow}: {clients[flow]} (exit {result.ExitCode})\n").Append(result.StandardOutput).Append('\n');
            var (flowResult, error) = SockperfOutputParser.Parse(result.StandardOutput, result.StandardError);
            if (flowResult is null)
            {
                failure ??= $"sockperf flow {flow.ToString(CultureInfo.InvariantCulture)} to {target}:{SockperfTool.PortOf(flow).ToString(CultureInfo.InvariantCulture)}: {error}";
            }
            else if (!result.Succeeded)
            {
                failure ??= $"sockperf flow {flow.ToString(CultureInfo.InvariantCulture)} exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}: {ToolServers.Detail(result.StandardError)}";
            }
            else
            {
                parsed.Add(flowResult);
            }
        }

        if (failure is null)
        {
            raw.Append(CultureInfo.InvariantCulture, $"# merged: {parsed.Sum(p => p.RoundTripsUs.Count)} round trips of {parsed.Count} flow(s)\n");
        }

        var rawFile = await sink.WriteRawAsync(ToolServers.TextPath(rawPath), raw.ToString(), cancellationToken);
        if (failure is not null)
        {
            return TestOutcome.Failed(failure, rawFile);
        }

        List<Observation> observations = [new(Metrics.TransactionsPerSecond, parsed.Sum(p => p.TransactionsPerSecond), Metrics.TransactionsPerSecondUnit)];
        observations.AddRange(LatencySamples.Percentiles([.. parsed.Select(p => p.RoundTripsUs)], request.Percentiles));
        return TestOutcome.Ok(observations, rawFile);
    }
}
