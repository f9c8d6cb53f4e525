using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Tcp;

namespace CniBench.Core.Tests.Orchestration;

public sealed class OrchestratorTests
{
    private static RunPlan Plan(int repetitions = 1) => RunPlanner.Create(new ScenarioSpec
    {
        Name = "t",
        Cnis = ["flannel", "calico"],
        Repetitions = repetitions,
        Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"], Settings = new TcpTestSpec() }],
    }, "run-1");

    private static Orchestrator Create(CniBench.Core.Clusters.IClusterProvider provider, ScriptedTest test, MemorySink sink) =>
        new(provider, new Dictionary<string, ITestKind> { [test.Name] = test }, sink, new FixedCpu(), TimeProvider.System, NullRunObserver.Instance);

    private static Task<TestOutcome> Value(double bps) =>
        Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, bps, Metrics.BitsPerSecond)], "raw/x.json"));

    [Fact]
    public async Task RunAsync_AllSucceed_WritesOneBatchPerMeasurementWithCpuRows()
    {
        var sink = new MemorySink();
        var provider = new FakeProvider();
        var outcome = await Create(provider, new ScriptedTest("tcp", (_, _, _) => Value(1e9)), sink).RunAsync(Plan(), CancellationToken.None);

        Assert.Equal((3, 3, 0), (outcome.Measurements, outcome.Ok, outcome.Failed));
        Assert.Equal(3, sink.Writes.Count);
        var first = sink.Writes[0];
        Assert.Contains(first, r => r.Metric == Metrics.ThroughputBps && r.Value == 1e9 && r.Cni == "underlay" && r.RawFile == "raw/x.json");
        Assert.Contains(first, r => r.Metric == Metrics.HostCpuPercent && r.Value == 50);
        Assert.All(provider.Created, c => Assert.True(c.Disposed));
    }

    [Fact]
    public async Task RunAsync_TestReportsItsMeasuredWindow_ChargesHostCpuOverThatWindowOnly()
    {
        // Two cores busy for a 2 s warm-up, one core over the 2 s the tool measured at 1 Gbit/s: the cost is
        // 1 core per Gbit/s; a before/after pair would have said 1.5.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var start = time.GetUtcNow();
        var cpu = new PiecewiseCpu(time, start, warmup: TimeSpan.FromSeconds(2));
        var test = new ScriptedTest("tcp", (_, _, _) =>
        {
            for (var i = 0; i < 40; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            return Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, 1e9, Metrics.BitsPerSecond)], null) with
            {
                Window = new MeasuredWindow(time.GetUtcNow(), TimeSpan.FromSeconds(2)),
            });
        });
        var sink = new MemorySink();

        await new Orchestrator(new FakeProvider(), new Dictionary<string, ITestKind> { ["tcp"] = test }, sink, cpu, time, NullRunObserver.Instance)
            .RunAsync(Plan(), CancellationToken.None);

        var rows = sink.Writes[0];
        Assert.Equal(1, rows.Single(r => r.Metric == Metrics.HostCpuCoresPerGbps).Value!.Value, 6);
        Assert.Equal(1, rows.Single(r => r.Metric == Metrics.HostCpuBusyCores).Value!.Value, 6);
        Assert.Equal(50, rows.Single(r => r.Metric == Metrics.HostCpuPercent).Value!.Value, 6);
    }

    [Fact]
    public async Task RunAsync_TestWithoutAWindow_ChargesTheWholeTestAndNoCostPerGbps()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cpu = new PiecewiseCpu(time, time.GetUtcNow(), warmup: TimeSpan.FromSeconds(2));
        var test = new ScriptedTest("tcp", (_, _, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(4));
            return Value(1e9);
        });
        var sink = new MemorySink();

        await new Orchestrator(new FakeProvider(), new Dictionary<string, ITestKind> { ["tcp"] = test }, sink, cpu, time, NullRunObserver.Instance)
            .RunAsync(Plan(), CancellationToken.None);

        var rows = sink.Writes[0];
        Assert.Equal(75, rows.Single(r => r.Metric == Metrics.HostCpuPercent).Value!.Value, 6);
        Assert.DoesNotContain(rows, r => r.Metric == Metrics.HostCpuCoresPerGbps);
    }

    [Fact]
    public async Task RunAsync_PacketRateInAWindow_ChargesCoreSecondsPerMillionPacketsOverThatWindowOnly()
    {
        // One core busy over the 2 s measured at 100 000 packets/s (0.2 million packets): 10 core-seconds per million;
        // the two-core warm-up before it is left out.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cpu = new PiecewiseCpu(time, time.GetUtcNow(), warmup: TimeSpan.FromSeconds(2));
        var test = new ScriptedTest("tcp", (_, _, _) =>
        {
            for (var i = 0; i < 40; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            return Task.FromResult(TestOutcome.Ok([new Observation(Metrics.PacketsPerSecond, 100_000, Metrics.PacketsPerSecondUnit)], null) with
            {
                Window = new MeasuredWindow(time.GetUtcNow(), TimeSpan.FromSeconds(2)),
            });
        });
        var sink = new MemorySink();

        await new Orchestrator(new FakeProvider(), new Dictionary<string, ITestKind> { ["tcp"] = test }, sink, cpu, time, NullRunObserver.Instance)
            .RunAsync(Plan(), CancellationToken.None);

        Assert.Equal(10, sink.Writes[0].Single(r => r.Metric == Metrics.HostCpuSecondsPerMillionPackets).Value!.Value, 6);
    }

    [Fact]
    public async Task RunAsync_PacketRateWithoutAWindow_ChargesTheWholeTestPerMillionPackets()
    {
        // 6 core-seconds over 4 s (two cores for 2 s, then one) at 100 000 packets/s (0.4 million packets): 15.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cpu = new PiecewiseCpu(time, time.GetUtcNow(), warmup: TimeSpan.FromSeconds(2));
        var test = new ScriptedTest("tcp", (_, _, _) =>
        {
            time.Advance(TimeSpan.FromSeconds(4));
            return Task.FromResult(TestOutcome.Ok([new Observation(Metrics.PacketsPerSecond, 100_000, Metrics.PacketsPerSecondUnit)], null));
        });
        var sink = new MemorySink();

        await new Orchestrator(new FakeProvider(), new Dictionary<string, ITestKind> { ["tcp"] = test }, sink, cpu, time, NullRunObserver.Instance)
            .RunAsync(Plan(), CancellationToken.None);

        Assert.Equal(15, sink.Writes[0].Single(r => r.Metric == Metrics.HostCpuSecondsPerMillionPackets).Value!.Value, 6);
    }

    /// <summary>A two-core host: both cores busy during the warm-up after <c>start</c>, one core after it.</summary>
    private sealed class PiecewiseCpu(TimeProvider time, DateTimeOffset start, TimeSpan warmup) : ICpuSampler
    {
        public CpuSnapshot Read()
        {
            var at = time.GetUtcNow();
            var elapsed = at - start;
            var busy = elapsed <= warmup ? elapsed * 2 : (warmup * 2) + (elapsed - warmup);
            return new CpuSnapshot(busy, TimeSpan.Zero, TimeSpan.Zero, elapsed * 2, TimeSpan.Zero, at);
        }
    }

    [Fact]
    public async Task RunAsync_ClientAndServerForCrossNode_AreOnDifferentNodes()
    {
        var test = new ScriptedTest("tcp", (_, _, _) => Value(1));
        await Create(new FakeProvider(), test, new MemorySink()).RunAsync(Plan(), CancellationToken.None);

        Assert.All(test.Invocations, i => Assert.NotEqual(i.Client.NodeName, i.Server.NodeName));
        Assert.Equal(["n1", "n1-p1", "n1-p1"], test.Invocations.Select(i => i.Client.Name));
    }

    [Fact]
    public async Task RunAsync_TestThrows_RecordsFailedAndContinues()
    {
        var sink = new MemorySink();
        var test = new ScriptedTest("tcp", (_, call, _) => call == 2 ? throw new InvalidOperationException("server died") : Value(1));

        var outcome = await Create(new FakeProvider(), test, sink).RunAsync(Plan(), CancellationToken.None);

        Assert.Equal((2, 1), (outcome.Ok, outcome.Failed));
        var failed = Assert.Single(sink.Writes[1]);
        Assert.Equal((MeasurementStatus.Failed, "server died", Metrics.ThroughputBps), (failed.Status, failed.Reason, failed.Metric));
        Assert.Null(failed.Value);
    }

    [Fact]
    public async Task RunAsync_ClusterFailsToStart_ItsMeasurementsFailOthersRun()
    {
        var sink = new MemorySink();

        var outcome = await Create(new FakeProvider("flannel"), new ScriptedTest("tcp", (_, _, _) => Value(1)), sink).RunAsync(Plan(), CancellationToken.None);

        Assert.Equal((2, 1), (outcome.Ok, outcome.Failed));
        var flannel = sink.Writes.SelectMany(w => w).Single(r => r.Cni == "flannel");
        Assert.Equal(MeasurementStatus.Failed, flannel.Status);
        Assert.Contains("flannel exploded", flannel.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CancelledMidRun_KeepsRowsSoFarAndTearsDown()
    {
        using var cts = new CancellationTokenSource();
        var sink = new MemorySink();
        var provider = new FakeProvider();
        var test = new ScriptedTest("tcp", async (_, call, ct) =>
        {
            if (call == 2)
            {
                await cts.CancelAsync();
                ct.ThrowIfCancellationRequested();
            }

            return await Value(1);
        });

        var outcome = await Create(provider, test, sink).RunAsync(Plan(repetitions: 2), cts.Token);

        Assert.True(outcome.Cancelled);
        Assert.Single(sink.Writes);
        Assert.Equal(2, test.Invocations.Count);
        Assert.All(provider.Created, c => Assert.True(c.Disposed));
    }

    [Fact]
    public async Task RunAsync_UnknownTest_RecordsUnsupported()
    {
        var sink = new MemorySink();

        var outcome = await Create(new FakeProvider(), new ScriptedTest("udp", (_, _, _) => Value(1)), sink).RunAsync(Plan(), CancellationToken.None);

        Assert.Equal(3, outcome.Unsupported);
        Assert.All(sink.Writes.SelectMany(w => w), r => Assert.Equal(MeasurementStatus.Unsupported, r.Status));
    }

    [Fact]
    public async Task RunAsync_NoCpuSampler_WritesOnlyTheTestsObservations()
    {
        var sink = new MemorySink();
        var orchestrator = new Orchestrator(
            new FakeProvider(),
            new Dictionary<string, ITestKind> { ["tcp"] = new ScriptedTest("tcp", (_, _, _) => Value(1)) },
            sink,
            null,
            TimeProvider.System,
            NullRunObserver.Instance);

        await orchestrator.RunAsync(Plan(), CancellationToken.None);

        Assert.All(sink.Writes.SelectMany(w => w), r => Assert.Equal(Metrics.ThroughputBps, r.Metric));
    }

    [Fact]
    public async Task RunAsync_ClusterWithTelemetry_AddsItsFiguresAndUnsupportedRows()
    {
        var sink = new MemorySink();
        var provider = new TelemetryProvider();

        await Create(provider, new ScriptedTest("tcp", (_, _, _) => Value(1)), sink).RunAsync(Plan(), CancellationToken.None);

        var rows = sink.Writes.SelectMany(w => w).Where(r => r.Cni == "flannel").ToList();
        Assert.Contains(rows, r => r.Metric == "node_cpu_cores" && r.Value == 0.5 && r.Status == MeasurementStatus.Ok);
        var memory = Assert.Single(rows, r => r.Metric == "node_memory_bytes");
        Assert.Equal((MeasurementStatus.Unsupported, "no metrics-server"), (memory.Status, memory.Reason));
    }

    private sealed class TelemetryProvider : CniBench.Core.Clusters.IClusterProvider
    {
        public string Name => "telemetry";

        public Task<CniBench.Core.Clusters.ICluster> CreateAsync(CniBench.Core.Clusters.ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            Task.FromResult<CniBench.Core.Clusters.ICluster>(new TelemetryCluster(request.Cni));
    }

    private sealed class TelemetryCluster(string cni) : CniBench.Core.Clusters.ICluster, CniBench.Core.Clusters.IClusterTelemetry, CniBench.Core.Clusters.ITelemetryWindow
    {
        private readonly FakeCluster _inner = new(cni);

        public string Cni => _inner.Cni;

        public string Description => "telemetry";

        public IReadOnlyList<CniBench.Core.Clusters.ClusterNode> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => _inner.Facts;

        public Task<CniBench.Core.Clusters.ITelemetryWindow> BeginAsync(CniBench.Core.Clusters.TelemetryRequest request, CancellationToken cancellationToken) =>
            Task.FromResult<CniBench.Core.Clusters.ITelemetryWindow>(this);

        public Task<CniBench.Core.Clusters.TelemetryResult> EndAsync(CancellationToken cancellationToken) =>
            Task.FromResult(new CniBench.Core.Clusters.TelemetryResult(
                [new Observation("node_cpu_cores", 0.5, "cores")],
                [new CniBench.Core.Clusters.UnsupportedMetric("node_memory_bytes", "no metrics-server")]));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
