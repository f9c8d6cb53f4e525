using System.Net;
using System.Text.Json;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Mtu;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Mtu;

public sealed class MtuKindTests
{
    private readonly RecordingSink _sink = new();
    private readonly FakeProcessRunner _server = new();

    private TestInvocation Invocation(FakeProcessRunner client, int podMtu = 1500, string serverAddress = "198.19.2.2")
    {
        var key = new MeasurementKey("flannel", MtuKind.TestName, MtuTestSpec.Variant, Topologies.CrossNode, 1);
        return new TestInvocation(
            new PlannedMeasurement(key, new TestSpec { Test = MtuKind.TestName, Settings = new MtuTestSpec() }, new TestVariant(MtuTestSpec.Variant, 1)),
            new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client) { Mtu = podMtu },
            new FakeWorkloadHost("n2-p1", IPAddress.Parse(serverAddress), _server) { NodeName = "n2" },
            _sink,
            "raw/flannel/mtu.json");
    }

    private static Dictionary<string, Observation> ByMetric(TestOutcome outcome) => outcome.Observations.ToDictionary(o => o.Metric);

    private static FakeProcessRunner Answering(ProcessResult result) => new() { OnRun = (_, _) => Task.FromResult(result) };

    [Fact]
    public async Task RunAsync_PathSmallerThanPodMtu_ReportsPathPodAndMismatch()
    {
        var client = PathMtuFakes.PathOf(1450);

        var outcome = await new MtuKind().RunAsync(Invocation(client, podMtu: 1500), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        var observations = ByMetric(outcome);
        Assert.Equal(new Observation(Metrics.PathMtuBytes, 1450, "bytes"), observations[Metrics.PathMtuBytes]);
        Assert.Equal(new Observation(MtuMetrics.PodMtuBytes, 1500, "bytes"), observations[MtuMetrics.PodMtuBytes]);
        Assert.Equal(new Observation(Metrics.MtuMismatch, 1, "bool"), observations[Metrics.MtuMismatch]);
        Assert.Empty(_server.Runs);
        Assert.Empty(_server.Started);
    }

    [Fact]
    public async Task RunAsync_PathEqualsPodMtu_NoMismatchAfterTwoProbes()
    {
        var client = PathMtuFakes.PathOf(1450);

        var outcome = await new MtuKind().RunAsync(Invocation(client, podMtu: 1450), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        Assert.Equal(0, ByMetric(outcome)[Metrics.MtuMismatch].Value);
        Assert.Equal([1450, 1451], client.Runs.Select(PathMtuFakes.PacketBytes));
    }

    [Fact]
    public async Task RunAsync_AnyProbe_IsOneDontFragmentPingPerProcess()
    {
        var client = PathMtuFakes.PathOf(1450);

        await new MtuKind().RunAsync(Invocation(client, podMtu: 1500), TestContext.Current.CancellationToken);

        var first = client.Runs[0];
        Assert.Equal("ping", first.Program);
        Assert.Equal(["-n", "-M", "do", "-c", "1", "-W", "1", "-s", "1472", "198.19.2.2"], first.Arguments);
        Assert.All(client.Runs, spec => Assert.InRange(spec.Timeout, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task RunAsync_WorstCasePath_NeverExceedsTheProbeBound()
    {
        var client = PathMtuFakes.PathOf(600);

        var outcome = await new MtuKind().RunAsync(Invocation(client, podMtu: 576), TestContext.Current.CancellationToken);

        Assert.Equal(600, ByMetric(outcome)[Metrics.PathMtuBytes].Value);
        Assert.InRange(client.Runs.Count, 1, PathMtuSearch.MaxProbes);
    }

    [Fact]
    public async Task RunAsync_Completed_KeepsEveryProbeInTheRawFile()
    {
        var client = PathMtuFakes.PathOf(1400);

        var outcome = await new MtuKind().RunAsync(Invocation(client, podMtu: 1500), TestContext.Current.CancellationToken);

        Assert.Equal("raw/flannel/mtu.json", outcome.RawFile);
        using var raw = JsonDocument.Parse(_sink.RawFiles["raw/flannel/mtu.json"]);
        Assert.Equal(1400, raw.RootElement.GetProperty("path_mtu_bytes").GetInt32());
        Assert.Equal(1500, raw.RootElement.GetProperty("interface_mtu_bytes").GetInt32());
        var probes = raw.RootElement.GetProperty("probes").EnumerateArray().ToList();
        Assert.Equal(client.Runs.Count, probes.Count);
        Assert.Equal(("no_reply", 1472), (probes[0].GetProperty("verdict").GetString(), probes[0].GetProperty("payload_bytes").GetInt32()));
    }

    [Fact]
    public async Task RunAsync_PingNotInstalled_FailsNamingIputilsPing()
    {
        var client = new FakeProcessRunner { OnRun = (_, _) => throw new ToolMissingException("ping", "iputils-ping") };

        var outcome = await new MtuKind().RunAsync(Invocation(client), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("iputils-ping", outcome.Reason, StringComparison.Ordinal);
        Assert.Single(client.Runs);
    }

    [Fact]
    public async Task RunAsync_PingMissingInsideThePod_FailsNamingIputilsPing()
    {
        var client = Answering(new ProcessResult(127, "", "exec: \"ping\": executable file not found in $PATH", TimeSpan.Zero));

        var outcome = await new MtuKind().RunAsync(Invocation(client), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("iputils-ping", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("executable file not found", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PingFailsForAnotherReason_FailsWithItsStderr()
    {
        var client = Answering(new ProcessResult(2, "", "ping: connect: Network is unreachable\n", TimeSpan.Zero));

        var outcome = await new MtuKind().RunAsync(Invocation(client), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal(
            "ping from n1-p1 to n2-p1 (198.19.2.2) with a 1500-byte packet exited with code 2: ping: connect: Network is unreachable",
            outcome.Reason);
        Assert.Single(client.Runs);
        Assert.Equal("raw/flannel/mtu.json", outcome.RawFile);
    }

    [Fact]
    public async Task RunAsync_LocalMessageTooLong_IsNoReplyAndTheSearchGoesOn()
    {
        // What ping prints when the packet is larger than the client's own route MTU.
        var client = new FakeProcessRunner
        {
            OnRun = (spec, _) => Task.FromResult(PathMtuFakes.PacketBytes(spec) <= 1450
                ? new ProcessResult(0, "1 received", "", TimeSpan.Zero)
                : new ProcessResult(1, "0 received, +1 errors", "ping: local error: message too long, mtu=1450", TimeSpan.Zero)),
        };

        var outcome = await new MtuKind().RunAsync(Invocation(client, podMtu: 1500), TestContext.Current.CancellationToken);

        Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
        Assert.Equal(1450, ByMetric(outcome)[Metrics.PathMtuBytes].Value);
    }

    [Fact]
    public async Task RunAsync_ProbeProcessHangs_FailsNamingTheTimeout()
    {
        var client = new FakeProcessRunner { OnRun = (spec, _) => throw new ProcessTimeoutException(spec, spec.Timeout) };

        var outcome = await new MtuKind().RunAsync(Invocation(client), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("did not finish within 10 s", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoReplyEvenAtTheMinimum_FailsSayingThePathIsBroken()
    {
        var client = PathMtuFakes.PathOf(0);

        var outcome = await new MtuKind().RunAsync(Invocation(client), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.StartsWith("no reply from n2-p1 (198.19.2.2) even to a 576-byte packet", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(2, client.Runs.Count);
    }

    [Fact]
    public async Task RunAsync_Ipv6Server_UnsupportedWithoutProbing()
    {
        var client = PathMtuFakes.PathOf(1500);

        var outcome = await new MtuKind().RunAsync(Invocation(client, serverAddress: "fd00::2"), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
        Assert.Contains("IPv4 only", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(client.Runs);
    }

    [Theory]
    [InlineData(1450, 1500, true)]
    [InlineData(1450, 1450, false)]
    [InlineData(9216, 65536, false)]
    [InlineData(1500, 65536, true)]
    public void IsMismatch_PathAgainstInterface_FlagsOnlyAShortfall(int path, int iface, bool expected) =>
        Assert.Equal(expected, MtuKind.IsMismatch(path, iface));

    [Fact]
    public void Name_AndPrimaryMetric_AreMtuAndPathMtu()
    {
        ITestKind test = new MtuKind();

        Assert.Equal(("mtu", "path_mtu_bytes"), (test.Name, test.PrimaryMetric));
    }
}
