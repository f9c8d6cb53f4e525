using System.Globalization;
using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Iperf3;

/// <summary>Knobs that do not change between measurements.</summary>
public sealed record Iperf3DriverOptions
{
    public int Port { get; init; } = Iperf3Tool.DefaultPort;

    /// <summary>How long the server may take to print that it listens.</summary>
    public TimeSpan ServerReadyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Added to the test's own length before the client is deemed hung.</summary>
    public TimeSpan ClientTimeoutMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock that dates the measured window (when the client exited).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public static Iperf3DriverOptions Default { get; } = new();
}

/// <summary>
/// Runs one iperf3 measurement between two workload hosts: a one-off server, a JSON client, the raw
/// output kept. Every failure becomes a failed outcome with a short reason; only the caller's
/// cancellation escapes, so Ctrl-C still stops a run.
/// </summary>
public sealed class Iperf3Driver(Iperf3DriverOptions options)
{
    private const int MaxDetailLength = 200;

    private static readonly TimeSpan ServerExitGrace = TimeSpan.FromSeconds(1);

    public Iperf3Driver()
        : this(Iperf3DriverOptions.Default)
    {
    }

    public Iperf3DriverOptions Options { get; } = options;

    /// <summary>The client connects to the server's own address.</summary>
    public Task<TestOutcome> RunAsync(
        Iperf3Request request,
        IWorkloadHost client,
        IWorkloadHost server,
        IMeasurementSink sink,
        string rawPath,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RunAsync(request, client, server, server.Address, sink, rawPath, cancellationToken);
    }

    /// <summary>
    /// The server runs on <paramref name="server"/>; the client connects to <paramref name="target"/>, which is the
    /// server's address or a Service's ClusterIP in front of it forwarding <see cref="Iperf3DriverOptions.Port"/>
    /// (over TCP for the control connection and TCP data, and over UDP too for UDP data, which iperf3 sends to the same port).
    /// </summary>
    public async Task<TestOutcome> RunAsync(
        Iperf3Request request,
        IWorkloadHost client,
        IWorkloadHost server,
        IPAddress target,
        IMeasurementSink sink,
        string rawPath,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sink);

        ProcessSpec serverSpec, clientSpec;
        try
        {
            serverSpec = Iperf3Tool.Server(Options.Port);
            clientSpec = Iperf3Tool.Client(new Iperf3ClientOptions(target, Options.Port, request, Options.ConnectTimeout)) with
            {
                Timeout = Iperf3Tool.ExpectedRunTime(request) + Options.ConnectTimeout + Options.ClientTimeoutMargin,
            };
        }
        catch (ArgumentException ex)
        {
            return TestOutcome.Failed($"invalid iperf3 request: {ex.Message}");
        }

        IRunningProcess serverProcess;
        try
        {
            serverProcess = server.Runner.Start(serverSpec);
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TestOutcome.Failed($"iperf3 server on {server.Name} did not start: {Detail(ex.Message)}");
        }

        // Disposal kills the server whatever happens below, including cancellation.
        await using (serverProcess)
        {
            var notReady = await WaitUntilListeningAsync(serverProcess, server, cancellationToken);
            if (notReady is not null)
            {
                return notReady;
            }

            ProcessResult result;
            DateTimeOffset exited;
            try
            {
                result = await client.Runner.RunAsync(clientSpec, cancellationToken);
                exited = Options.Time.GetUtcNow();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (ProcessTimeoutException)
            {
                return TestOutcome.Failed(string.Create(
                    CultureInfo.InvariantCulture,
                    $"iperf3 client on {client.Name} did not finish within {clientSpec.Timeout.TotalSeconds:0.#} s{ServerState(serverProcess, server)}"));
            }
            catch (ToolMissingException ex)
            {
                return TestOutcome.Failed(ex.Message);
            }
            catch (Exception ex)
            {
                return TestOutcome.Failed($"iperf3 client on {client.Name} failed to run: {Detail(ex.Message)}");
            }

            return await InterpretAsync(result, exited, serverProcess, server, sink, rawPath, cancellationToken);
        }
    }

    private async Task<TestOutcome?> WaitUntilListeningAsync(IRunningProcess process, IWorkloadHost server, CancellationToken cancellationToken)
    {
        try
        {
            await process.WaitForOutputAsync(
                line => line.Contains(Iperf3Tool.ListeningMarker, StringComparison.Ordinal),
                Options.ServerReadyTimeout,
                cancellationToken);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ProcessTimeoutException)
        {
            return TestOutcome.Failed(string.Create(
                CultureInfo.InvariantCulture,
                $"iperf3 server on {server.Name} did not report listening within {Options.ServerReadyTimeout.TotalSeconds:0.#} s"));
        }
        catch (ToolMissingException ex)
        {
            return TestOutcome.Failed(ex.Message);
        }
        catch (Exception ex)
        {
            return TestOutcome.Failed($"iperf3 server on {server.Name} exited before listening: {Detail(ex.Message)}");
        }
    }

    private static async Task<TestOutcome> InterpretAsync(
        ProcessResult result,
        DateTimeOffset exited,
        IRunningProcess serverProcess,
        IWorkloadHost server,
        IMeasurementSink sink,
        string rawPath,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(result.StandardOutput))
        {
            var stderr = string.IsNullOrWhiteSpace(result.StandardError) ? "nothing on stderr" : Detail(result.StandardError);
            return TestOutcome.Failed(
                $"iperf3 client exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)} and printed no JSON: {stderr}{await ServerStateAsync(serverProcess, server)}");
        }

        var rawFile = await sink.WriteRawAsync(rawPath, result.StandardOutput, cancellationToken);
        var parsed = Iperf3ResultParser.Parse(result.StandardOutput);
        return parsed switch
        {
            Iperf3Failure failure => TestOutcome.Failed(failure.Reason + await ServerStateAsync(serverProcess, server), rawFile),
            _ when !result.Succeeded => TestOutcome.Failed(
                $"iperf3 client exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)} despite a complete report", rawFile),
            Iperf3TcpResult tcp => TestOutcome.Ok(tcp.ToObservations(), rawFile) with { Window = MeasuredWindow(tcp.Run, exited) },
            Iperf3UdpResult udp => TestOutcome.Ok(udp.ToObservations(), rawFile) with { Window = MeasuredWindow(udp.Run, exited) },
            var other => TestOutcome.Failed($"unexpected iperf3 result {other.GetType().Name}", rawFile),
        };
    }

    /// <summary>
    /// iperf3's figures cover the last <see cref="Iperf3RunFacts.MeasuredSeconds"/> before the client exits: its warm-up
    /// (-O) and connection set-up come first, and after the last interval only the result exchange (milliseconds) remains.
    /// </summary>
    private static MeasuredWindow? MeasuredWindow(Iperf3RunFacts run, DateTimeOffset exited) =>
        run.MeasuredSeconds is > 0 and var seconds ? new MeasuredWindow(exited, TimeSpan.FromSeconds(seconds)) : null;

    /// <summary>
    /// A note on the server when it is gone, which usually explains a client failure. The client can notice a
    /// dead server before the server's own exit is reaped, so a failure waits briefly for that news.
    /// </summary>
    private static async Task<string> ServerStateAsync(IRunningProcess serverProcess, IWorkloadHost server)
    {
        await Task.WhenAny(serverProcess.Completion, Task.Delay(ServerExitGrace));
        return ServerState(serverProcess, server);
    }

    /// <summary>A note on the server when it is already gone.</summary>
    private static string ServerState(IRunningProcess serverProcess, IWorkloadHost server)
    {
        if (!serverProcess.Completion.IsCompletedSuccessfully)
        {
            return "";
        }

        var exit = serverProcess.Completion.Result;
        var stderr = string.IsNullOrWhiteSpace(exit.StandardError) ? "" : $": {Detail(exit.StandardError)}";
        return $"; server on {server.Name} exited with code {exit.ExitCode.ToString(CultureInfo.InvariantCulture)}{stderr}";
    }

    private static string Detail(string text)
    {
        var trimmed = text.Trim().ReplaceLineEndings(" ");
        return trimmed.Length <= MaxDetailLength ? trimmed : string.Concat("…", trimmed.AsSpan(trimmed.Length - MaxDetailLength + 1));
    }
}
