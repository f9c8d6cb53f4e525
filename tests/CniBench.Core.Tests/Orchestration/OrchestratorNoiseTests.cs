using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Tcp;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Core.Tests.Orchestration;

/// <summary>What the orchestrator does against a shared host's noise: pins client and server, and waits for a quiet host.</summary>
public sealed class OrchestratorNoiseTests
{
    private static RunPlan Plan(CpuPinningMode pinning = CpuPinningMode.Auto) => RunPlanner.Create(new ScenarioSpec
    {
        Name = "t",
        Cnis = ["calico"],
        Underlay = false,
        Repetitions = 1,
        Lab = new LabSpec { CpuPinning = pinning },
        Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"], Settings = new TcpTestSpec() }],
    }, "run-1");

    private static Task<TestOutcome> Value(double bps) =>
        Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, bps, Metrics.BitsPerSecond)], null));

    [Fact]
    public async Task RunAsync_ClusterThatPins_MeasuresOnThePinnedEndpointsAndRecordsThePlacement()
    {
        var test = new ScriptedTest("tcp", (_, _, _) => Value(1e9));
        var orchestrator = new Orchestrator(new PinningProvider(), Tests(test), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan(), CancellationToken.None);

        var invocation = Assert.Single(test.Invocations);
        Assert.Equal(("pinned:n1-p1", "pinned:n2-p1"), (invocation.Client.Name, invocation.Server.Name));
        Assert.Equal("client on CPU 1, server on CPU 0", outcome.ClusterFacts["calico"][Orchestrator.CpuPinningFact]);
    }

    [Fact]
    public async Task RunAsync_PinningOff_MeasuresUnpinnedAndRecordsThatItWasOff()
    {
        var test = new ScriptedTest("tcp", (_, _, _) => Value(1e9));
        var orchestrator = new Orchestrator(new PinningProvider(), Tests(test), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan(CpuPinningMode.Off), CancellationToken.None);

        Assert.Equal("n1-p1", Assert.Single(test.Invocations).Client.Name);
        Assert.StartsWith("off", outcome.ClusterFacts["calico"][Orchestrator.CpuPinningFact], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ClusterThatCannotPin_HasNoPinningFact()
    {
        var orchestrator = new Orchestrator(new FakeProvider(), Tests(new ScriptedTest("tcp", (_, _, _) => Value(1e9))), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan(), CancellationToken.None);

        Assert.False(outcome.ClusterFacts["calico"].ContainsKey(Orchestrator.CpuPinningFact));
    }

    [Fact]
    public async Task RunAsync_WithIdleCheck_WaitsBeforeTheToolAndWritesWhatItSaw()
    {
        // The host is fully busy for the first second, then quiet; the tool must start only after the check.
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var cpu = new BusyUntil(time, TimeSpan.FromSeconds(1));
        DateTimeOffset? started = null;
        var test = new ScriptedTest("tcp", (_, _, _) =>
        {
            started = time.GetUtcNow();
            return Value(1e9);
        });
        var sink = new MemorySink();
        var orchestrator = new Orchestrator(new FakeProvider(), Tests(test), sink, null, time, NullRunObserver.Instance)
        {
            IdleCheck = new HostIdleCheck(cpu, time, new IdleCheckSpec { Window = TimeSpan.FromMilliseconds(500), MaxWait = TimeSpan.FromSeconds(10) }),
        };

        var run = orchestrator.RunAsync(Plan(), CancellationToken.None);
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, TestContext.Current.CancellationToken);
        }

        await run;
        var rows = Assert.Single(sink.Writes);
        Assert.Equal(1, rows.Single(r => r.Metric == Metrics.IdleCheckIdle).Value);
        Assert.Equal(0, rows.Single(r => r.Metric == Metrics.IdleCheckBusyPercent).Value);
        Assert.True(started >= DateTimeOffset.UnixEpoch.AddSeconds(1.5), $"the tool started at {started:O}, before the host was quiet");
    }

    private static Dictionary<string, ITestKind> Tests(ScriptedTest test) => new() { [test.Name] = test };

    /// <summary>A two-core host with both cores busy until <paramref name="busyFor"/> has passed, idle after.</summary>
    private sealed class BusyUntil(TimeProvider time, TimeSpan busyFor) : ICpuSampler
    {
        public CpuSnapshot Read()
        {
            var elapsed = time.GetUtcNow() - DateTimeOffset.UnixEpoch;
            var busy = (elapsed < busyFor ? elapsed : busyFor) * 2;
            return new CpuSnapshot(busy, TimeSpan.Zero, TimeSpan.Zero, elapsed * 2, TimeSpan.Zero, time.GetUtcNow());
        }
    }

    private sealed class PinningProvider : IClusterProvider
    {
        public string Name => "pinning";

        public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            Task.FromResult<ICluster>(new PinningCluster(request.Cni));
    }

    private sealed class PinningCluster(string cni) : ICluster, ICpuPinning
    {
        private readonly FakeCluster _inner = new(cni);

        public string Cni => _inner.Cni;

        public string Description => "pinning";

        public IReadOnlyList<ClusterNode> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => _inner.Facts;

        public PinnedEndpoints Pin(IWorkloadHost client, IWorkloadHost server) =>
            new(new FakeHost($"pinned:{client.Name}", client.NodeName), new FakeHost($"pinned:{server.Name}", server.NodeName), "client on CPU 1, server on CPU 0");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
