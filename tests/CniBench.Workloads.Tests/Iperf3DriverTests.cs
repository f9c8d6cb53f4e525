using System.Net;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests;

public sealed class Iperf3DriverTests
{
    private const string RawPath = "raw/flannel/tcp/1-stream/same-node-1.json";

    private static readonly Iperf3Request Tcp = new() { Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.FromSeconds(1) };

    private readonly FakeProcessRunner _serverRunner = new();
    private readonly RecordingSink _sink = new();

    private FakeWorkloadHost ServerHost => new("n2-p1", IPAddress.Parse("198.19.2.2"), _serverRunner);

    private static FakeWorkloadHost ClientHost(FakeProcessRunner runner) => new("n1-p1", IPAddress.Parse("198.19.1.2"), runner);

    private FakeRunningProcess ServerProcess => Assert.Single(_serverRunner.Started);

    private Task<TestOutcome> RunAsync(FakeProcessRunner client, Iperf3Request? request = null) =>
        RunAsync(client, TestContext.Current.CancellationToken, request);

    private Task<TestOutcome> RunAsync(FakeProcessRunner client, CancellationToken cancellationToken, Iperf3Request? request = null) =>
        new Iperf3Driver().RunAsync(request ?? Tcp, ClientHost(client), ServerHost, _sink, RawPath, cancellationToken);

    [Fact]
    public async Task RunAsync_ServerListensAndClientReportsTcp_ReturnsThroughputAndKeepsRaw()
    {
        var json = TestAssets.Iperf3("tcp-1-stream.json");
        var client = FakeProcessRunner.Printing(json);

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(12563048066.951788, observations[Metrics.ThroughputBps], 3);
        Assert.Equal(4, observations[Metrics.Retransmits]);
        Assert.Equal(RawPath, outcome.RawFile);
        Assert.Equal(json, _sink.RawFiles[RawPath]);
        Assert.Equal(["-s", "-1", "-p", "5201", "--forceflush"], ServerProcess.Spec.Arguments);
        var clientSpec = Assert.Single(client.Runs);
        Assert.Equal("198.19.2.2", clientSpec.Arguments[1]);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_Udp_ReturnsJitterAndLoss()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("udp-overload.json"));

        var outcome = await RunAsync(client, Tcp with { UdpBitrateBps = 20_000_000_000 });

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(24.764070569114217, observations[Metrics.LostPercent], 9);
        Assert.True(observations[Metrics.JitterMs] > 0);
        Assert.Contains("-u", Assert.Single(client.Runs).Arguments);
    }

    [Fact]
    public async Task RunAsync_ClientTimeout_CoversTestLengthConnectTimeoutAndMargin()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("tcp-1-stream.json"));

        await RunAsync(client);

        // 2 s test + 1 s warm-up + 3 s connect timeout + 10 s margin.
        Assert.Equal(TimeSpan.FromSeconds(16), Assert.Single(client.Runs).Timeout);
    }

    [Fact]
    public async Task RunAsync_ServerNeverListens_FailsWithoutRunningClient()
    {
        _serverRunner.OnStart = spec => new FakeRunningProcess(spec)
        {
            OnWait = (timeout, _) => Task.FromException(new ProcessTimeoutException(spec, timeout)),
        };
        var client = new FakeProcessRunner();

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("iperf3 server on n2-p1 did not report listening within 5 s", outcome.Reason);
        Assert.Empty(client.Runs);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_ServerExitsBeforeListening_FailsWithServerMessage()
    {
        _serverRunner.OnStart = spec => new FakeRunningProcess(spec)
        {
            OnWait = (_, _) => Task.FromException(new InvalidOperationException(
                "'iperf3 -s' exited with code 1 before it was ready: iperf3: error - unable to start listener for connections: Address already in use")),
        };
        var client = new FakeProcessRunner();

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.StartsWith("iperf3 server on n2-p1 exited before listening:", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("Address already in use", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(client.Runs);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_ServerToolMissing_FailsNamingThePackage()
    {
        _serverRunner.OnStart = _ => throw new ToolMissingException("iperf3", "iperf3");
        var client = new FakeProcessRunner();

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("apt-get install iperf3", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(client.Runs);
    }

    [Fact]
    public async Task RunAsync_ClientReportsConnectionRefused_FailsWithIperfMessageAndKeepsRaw()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("connection-refused.json"));

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("iperf3: unable to connect to server: Connection refused", outcome.Reason);
        Assert.Equal(RawPath, outcome.RawFile);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_ServerDiedDuringTest_ReasonAddsServerExit()
    {
        var client = new FakeProcessRunner
        {
            OnRun = (_, _) =>
            {
                ServerProcess.Exit(1, "iperf3: interrupt - the server has terminated");
                return Task.FromResult(new ProcessResult(0, TestAssets.Iperf3("tcp-server-killed.json"), "", TimeSpan.FromSeconds(1)));
            },
        };

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal(
            "iperf3: the server has terminated (after 1 s of 4 s); server on n2-p1 exited with code 1: iperf3: interrupt - the server has terminated",
            outcome.Reason);
    }

    [Fact]
    public async Task RunAsync_ServerExitReapedJustAfterClientFailed_ReasonStillAddsServerExit()
    {
        // The client can see the control socket close before the server's exit is noticed (seen in CI).
        var client = new FakeProcessRunner
        {
            OnRun = (_, _) =>
            {
                _ = Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None).ContinueWith(_ => ServerProcess.Exit(137), TaskScheduler.Default);
                return Task.FromResult(new ProcessResult(0, TestAssets.Iperf3("tcp-server-killed.json"), "", TimeSpan.FromSeconds(1)));
            },
        };

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.EndsWith("; server on n2-p1 exited with code 137", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClientTimesOut_FailsAndStopsServer()
    {
        var client = new FakeProcessRunner { OnRun = (spec, _) => Task.FromException<ProcessResult>(new ProcessTimeoutException(spec, spec.Timeout)) };

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("iperf3 client on n1-p1 did not finish within 16 s", outcome.Reason);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_ClientPrintsNothing_FailsWithStderr()
    {
        var client = new FakeProcessRunner
        {
            OnRun = (_, _) => Task.FromResult(new ProcessResult(1, "", "Cannot open network namespace \"cnb-x\": No such file or directory\n", TimeSpan.Zero)),
        };

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal(
            "iperf3 client exited with code 1 and printed no JSON: Cannot open network namespace \"cnb-x\": No such file or directory",
            outcome.Reason);
        Assert.Null(outcome.RawFile);
        Assert.Empty(_sink.RawFiles);
    }

    [Fact]
    public async Task RunAsync_NonZeroExitDespiteCompleteReport_Fails()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("tcp-1-stream.json"), exitCode: 2);

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("iperf3 client exited with code 2 despite a complete report", outcome.Reason);
    }

    [Fact]
    public async Task RunAsync_ClientToolMissing_FailsNamingThePackage()
    {
        var client = new FakeProcessRunner { OnRun = (_, _) => Task.FromException<ProcessResult>(new ToolMissingException("iperf3", "iperf3")) };

        var outcome = await RunAsync(client);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("apt-get install iperf3", outcome.Reason, StringComparison.Ordinal);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_CallerCancelsDuringClient_ThrowsAndStopsServer()
    {
        using var cts = new CancellationTokenSource();
        var client = new FakeProcessRunner
        {
            OnRun = async (_, token) =>
            {
                await cts.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new ProcessResult(0, "", "", TimeSpan.Zero);
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(client, cts.Token));

        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_CallerCancelsWhileServerStarts_ThrowsAndStopsServer()
    {
        using var cts = new CancellationTokenSource();
        _serverRunner.OnStart = spec => new FakeRunningProcess(spec)
        {
            OnWait = async (_, token) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, token);
            },
        };
        var client = new FakeProcessRunner();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(client, cts.Token));

        Assert.Empty(client.Runs);
        Assert.True(ServerProcess.WasStopped);
    }

    [Fact]
    public async Task RunAsync_InvalidRequest_FailsWithoutStartingAnything()
    {
        var client = new FakeProcessRunner();

        var outcome = await RunAsync(client, Tcp with { Streams = 0 });

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.StartsWith("invalid iperf3 request:", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(_serverRunner.Started);
        Assert.Empty(client.Runs);
    }
}
