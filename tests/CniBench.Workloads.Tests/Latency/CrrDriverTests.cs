using System.Net;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;
using CniBench.Workloads.Crr;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Latency;

public sealed class CrrDriverTests
{
    private const string RawPath = "raw/calico/crr-1-flow-pod-to-service-r1.json";

    private readonly FakeProcessRunner _serverRunner = new();
    private readonly RecordingSink _sink = new();
    private long _tracked;
    private long _timeWait;

    /// <summary>What the one-connection run takes: starting iperf, which the driver takes off the flows' run time.</summary>
    private static readonly TimeSpan StartCost = TimeSpan.FromMilliseconds(2.5);
    private bool _destroyRefused;
    private int _startCostRuns;

    private FakeWorkloadHost Server => new("n2-p1", IPAddress.Parse("198.19.2.2"), _serverRunner) { NodeName = "n2" };

    /// <summary>
    /// A client that replays a recorded iperf2 run (after <paramref name="onConnect"/>), a recorded one-connection run
    /// for the start cost, and answers ss from
    /// <see cref="_timeWait"/>: ss -K empties it unless <see cref="_destroyRefused"/>.
    /// </summary>
    private FakeProcessRunner Replaying(string name, TimeSpan elapsed, Action? onConnect = null) =>
        new()
        {
            OnRun = (spec, _) =>
            {
                if (spec.Program == TimeWaitSockets.Program)
                {
                    if (spec.Arguments[0].Contains('K', StringComparison.Ordinal) && !_destroyRefused)
                    {
                        _timeWait = 0;
                    }

                    var lines = string.Concat(Enumerable.Repeat("0 0 198.19.1.2:40000 198.19.2.2:5001\n", (int)_timeWait));
                    return Task.FromResult(new ProcessResult(0, lines, "", TimeSpan.Zero));
                }

                if (spec.Arguments[^1] == "--connect-only=1")
                {
                    // A stall lengthens one of the start-cost runs; the driver takes the least.
                    var (oneOut, oneErr) = TestAssets.Recorded("iperf2", "connect-only-1");
                    return Task.FromResult(new ProcessResult(0, oneOut, oneErr, _startCostRuns++ == 0 ? 4 * StartCost : StartCost));
                }

                onConnect?.Invoke();
                var (stdout, stderr) = TestAssets.Recorded("iperf2", name);
                return Task.FromResult(new ProcessResult(0, stdout, stderr, elapsed));
            },
        };

    /// <summary>A node whose conntrack table holds <see cref="_tracked"/> entries until flushed.</summary>
    private FakeProcessRunner Node() =>
        new()
        {
            OnRun = (spec, _) =>
            {
                if (spec.Arguments[0] == "-F")
                {
                    _tracked = 0;
                }

                return Task.FromResult(new ProcessResult(0, spec.Arguments[0] == "-C" ? $"{_tracked}\n" : "", "", TimeSpan.Zero));
            },
        };

    [Fact]
    public async Task RunAsync_OneFlow_FlushesBothNodesAndReportsRatePercentilesAndConntrack()
    {
        _tracked = 57;
        var clientNode = Node();
        var serverNode = Node();
        var client = Replaying("connect-only-200", TimeSpan.FromSeconds(0.5) + StartCost, () => _tracked += 200);
        var nodes = new ConntrackNodes(new FakeWorkloadHost("n1", IPAddress.Parse("198.18.0.1"), clientNode), new FakeWorkloadHost("n2", IPAddress.Parse("198.18.0.2"), serverNode));

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 200, [50, 99], FlushConntrack: true), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            IPAddress.Parse("198.18.96.5"), nodes, _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        // 199 connections beyond the first in the 0.5 s beyond the one-connection run's start cost.
        Assert.Equal(398, observations[Metrics.ConnectionsPerSecond], 6);
        Assert.Equal(10, observations[Metrics.LatencyP50Us], 6);
        Assert.Equal(6900, observations[Metrics.LatencyMaxUs], 6);
        Assert.Equal(0, observations[CrrMetrics.ConntrackEntriesBefore]);
        Assert.Equal(200, observations[CrrMetrics.ConntrackEntriesAfter]);
        Assert.Contains(serverNode.Runs, r => r.Arguments[0] == "-F");
        Assert.Equal(["-c", "198.18.96.5", "-p", "5001", "--connect-only=200"], client.Runs.First(r => r.Program == Iperf2Tool.Program).Arguments);
        Assert.Equal("--connect-only=1", client.Runs.Last(r => r.Program == Iperf2Tool.Program).Arguments[^1]);
        Assert.True(Assert.Single(_serverRunner.Started).WasStopped);
        Assert.Contains("before 0, after 200", _sink.RawFiles["raw/calico/crr-1-flow-pod-to-service-r1.txt"], StringComparison.Ordinal);
        Assert.Equal(CrrDriver.StartCostRuns, client.Runs.Count(r => r.Arguments[^1] == "--connect-only=1"));
        Assert.Contains("start cost (least of 3 runs of iperf2 --connect-only=1 on n1-p1, after the flows): 2.5 ms", _sink.RawFiles["raw/calico/crr-1-flow-pod-to-service-r1.txt"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ConntrackUnavailable_StillMeasuresAndNotesWhyInTheRawFile()
    {
        var client = Replaying("connect-only-200", TimeSpan.FromSeconds(1) + StartCost);
        var node = new FakeProcessRunner { OnRun = (_, _) => throw new ToolMissingException("conntrack", "conntrack") };
        var nodes = new ConntrackNodes(new FakeWorkloadHost("n1", IPAddress.Parse("198.18.0.1"), node), null);

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(2, 200, [50], FlushConntrack: true), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            Server.Address, nodes, _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(2 * 199, outcome.Observations.Single(o => o.Metric == Metrics.ConnectionsPerSecond).Value, 6);
        Assert.DoesNotContain(outcome.Observations, o => o.Metric == CrrMetrics.ConntrackEntriesAfter);
        Assert.Contains("apt-get install conntrack", _sink.RawFiles[outcome.RawFile!], StringComparison.Ordinal);
        Assert.Equal(2, client.Runs.Count(r => r.Arguments[^1] == "--connect-only=200"));
    }

    [Fact]
    public async Task RunAsync_Refused_FailsWithIperf2sReason()
    {
        var client = Replaying("connect-only-refused", TimeSpan.FromSeconds(0.1));

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 5, [50], FlushConntrack: false), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            Server.Address, new ConntrackNodes(null, null), _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("Connection refused", outcome.Reason, StringComparison.Ordinal);
        Assert.True(Assert.Single(_serverRunner.Started).WasStopped);
    }

    [Fact]
    public async Task RunAsync_InheritedTimeWaitSockets_AreClearedBeforeTheConnectionsAndRecorded()
    {
        _timeWait = 5000;
        var client = Replaying("connect-only-200", TimeSpan.FromSeconds(0.5), () => Assert.Equal(0, _timeWait));

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 200, [50], FlushConntrack: false), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            IPAddress.Parse("198.18.96.5"), new ConntrackNodes(null, null), _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(0, outcome.Observations.Single(o => o.Metric == CrrMetrics.TimeWaitAtStart).Value);
        Assert.Contains(client.Runs, r => r.Program == "ss" && r.Arguments.SequenceEqual(["-HtnK", "state", "time-wait", "dst", "198.18.96.5", "dport", "=", ":5001"]));
        Assert.Contains("5000 inherited, 0 at start after ss -K", _sink.RawFiles[outcome.RawFile!], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TimeWaitSocketsThatCannotBeCleared_AreRecordedWithTheReason()
    {
        _timeWait = 300;
        _destroyRefused = true;
        var client = Replaying("connect-only-200", TimeSpan.FromSeconds(0.5));

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 200, [50], FlushConntrack: false), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            Server.Address, new ConntrackNodes(null, null), _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(300, outcome.Observations.Single(o => o.Metric == CrrMetrics.TimeWaitAtStart).Value);
        Assert.Contains("300 inherited, 300 at start after ss -K (ss -K left them: it needs", _sink.RawFiles[outcome.RawFile!], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClearTimeWaitOff_LeavesTheSocketsAndRecordsThem()
    {
        _timeWait = 42;
        var client = Replaying("connect-only-200", TimeSpan.FromSeconds(0.5));

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 200, [50], FlushConntrack: false, ClearTimeWait: false), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            Server.Address, new ConntrackNodes(null, null), _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(42, outcome.Observations.Single(o => o.Metric == CrrMetrics.TimeWaitAtStart).Value);
        Assert.DoesNotContain(client.Runs, r => r.Arguments[0] == "-HtnK");
        Assert.Equal(42, _timeWait);
    }

    [Fact]
    public async Task RunAsync_RunNoLongerThanItsStartCost_FailsSayingSo()
    {
        var client = Replaying("connect-only-200", StartCost);

        var outcome = await new CrrDriver(CrrDriverOptions.Default).RunAsync(
            new CrrRequest(1, 200, [50], FlushConntrack: false), new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client), Server,
            Server.Address, new ConntrackNodes(null, null), _sink, RawPath, TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("not longer than its start cost", outcome.Reason, StringComparison.Ordinal);
    }
}
