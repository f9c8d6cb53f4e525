using System.Net;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Workloads.Rr;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Latency;

public sealed class SockperfDriverTests
{
    private const string RawPath = "raw/calico/rr-tcp-14B-2-flows-cross-node-r1.json";

    private readonly FakeProcessRunner _serverRunner = new();
    private readonly RecordingSink _sink = new();

    private FakeWorkloadHost Server => new("n2-p1", IPAddress.Parse("198.19.2.2"), _serverRunner);

    private static FakeWorkloadHost Client(FakeProcessRunner runner) => new("n1-p1", IPAddress.Parse("198.19.1.2"), runner);

    private static FakeProcessRunner Replaying(string name) =>
        new()
        {
            OnRun = (_, _) =>
            {
                var (stdout, stderr) = TestAssets.Recorded("sockperf", name);
                return Task.FromResult(new ProcessResult(0, stdout, stderr, TimeSpan.FromSeconds(1)));
            },
        };

    private Task<TestOutcome> RunAsync(FakeProcessRunner client, int flows, string protocol = RrTestSpec.Tcp) =>
        new SockperfDriver(SockperfDriverOptions.Default).RunAsync(
            new RrRequest(new RrVariant(protocol, 14, flows), TimeSpan.FromSeconds(2), [50, 99]),
            Client(client), Server, Server.Address, _sink, RawPath, TestContext.Current.CancellationToken);

    [Fact]
    public async Task RunAsync_TwoFlows_StartsAServerPerFlowAndSumsTheirTransactions()
    {
        var client = Replaying("pingpong-tcp-14B");

        var outcome = await RunAsync(client, flows: 2);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(2 * 1100 / 0.548, observations[Metrics.TransactionsPerSecond], 6);
        Assert.Equal(7634.308, observations[Metrics.LatencyMaxUs], 0.01);
        Assert.Contains(Metrics.LatencyP99Us, observations.Keys);
        Assert.Equal(["server", "-i", "198.19.2.2", "-p", "11111", "--tcp"], _serverRunner.Started[0].Spec.Arguments);
        Assert.Equal("11112", _serverRunner.Started[1].Spec.Arguments[4]);
        Assert.Equal(["11111", "11112"], client.Runs.Select(r => r.Arguments[r.Arguments.ToList().IndexOf("-p") + 1]));
        Assert.All(client.Runs, r => Assert.Contains("--full-rtt", r.Arguments));
        Assert.All(_serverRunner.Started, s => Assert.True(s.WasStopped));
        Assert.Equal("raw/calico/rr-tcp-14B-2-flows-cross-node-r1.txt", outcome.RawFile);
        Assert.Contains("# merged: 2200 round trips of 2 flow(s)", _sink.RawFiles[outcome.RawFile!], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Udp_StartsUdpServersAndClients()
    {
        var client = Replaying("pingpong-tcp-14B");

        await RunAsync(client, flows: 1, RrTestSpec.Udp);

        Assert.DoesNotContain("--tcp", _serverRunner.Started[0].Spec.Arguments);
        Assert.DoesNotContain("--tcp", Assert.Single(client.Runs).Arguments);
    }

    [Fact]
    public async Task RunAsync_AFlowGetsNoReply_FailsWithSockperfsReasonAndStopsEveryServer()
    {
        var client = Replaying("pingpong-udp-noserver");

        var outcome = await RunAsync(client, flows: 2, RrTestSpec.Udp);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("flow 0", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("No messages were received", outcome.Reason, StringComparison.Ordinal);
        Assert.NotNull(outcome.RawFile);
        Assert.All(_serverRunner.Started, s => Assert.True(s.WasStopped));
    }

    [Fact]
    public async Task RunAsync_ServerNeverReady_FailsWithoutStartingClients()
    {
        _serverRunner.OnStart = spec => new FakeRunningProcess(spec) { OnWait = (timeout, _) => throw new ProcessTimeoutException(spec, timeout) };
        var client = Replaying("pingpong-tcp-14B");

        var outcome = await RunAsync(client, flows: 1);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("did not report ready", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(client.Runs);
        Assert.True(Assert.Single(_serverRunner.Started).WasStopped);
    }

    [Fact]
    public async Task RunAsync_SockperfMissing_NamesTheDebianPackage()
    {
        _serverRunner.OnStart = _ => throw new ToolMissingException("sockperf", "sockperf");

        var outcome = await RunAsync(new FakeProcessRunner(), flows: 1);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("apt-get install sockperf", outcome.Reason, StringComparison.Ordinal);
    }
}
