using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Tcp;
using Microsoft.Extensions.Time.Testing;

namespace CniBench.Core.Tests.Orchestration;

/// <summary>What the orchestrator does against a shared host's noise: places client and server as the scenario asks, and waits for a quiet host.</summary>
public sealed class OrchestratorNoiseTests
{
    private static RunPlan Plan(CpuPinningMode pinning = CpuPinningMode.Separate, int nice = 0) => RunPlanner.Create(new ScenarioSpec
    {
        Name = "t",
        Cnis = ["calico"],
        Underlay = false,
        Repetitions = 1,
        Lab = new LabSpec { CpuPinning = pinning, ToolNice = nice },
        Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"], Settings = new TcpTestSpec() }],
    }, "run-1");

    private static Task<TestOutcome> Value(double bps) =>
        Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, bps, Metrics.BitsPerSecond)], null));

    [Fact]
    public async Task RunAsync_ClusterThatPlacesTools_MeasuresOnThePlacedEndpointsAndRecordsThePlacement()
    {
        var test = new ScriptedTest("tcp", (_, _, _) => Value(1e9));
        var provider = new PlacingProvider();
        var orchestrator = new Orchestrator(provider, Tests(test), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan(CpuPinningMode.Separate, nice: -10), CancellationToken.None);

        var invocation = Assert.Single(test.Invocations);
        Assert.Equal(("placed:n1-p1", "placed:n2-p1"), (invocation.Client.Name, invocation.Server.Name));
        Assert.Equal(new ToolPlacementSpec(CpuPinningMode.Separate, -10), Assert.Single(provider.Asked));
        Assert.Equal("Separate, nice -10", outcome.ClusterFacts["calico"][Orchestrator.ToolPlacementFact]);
    }

    [Fact]
    public async Task RunAsync_ClusterThatCannotPlaceTools_HasNoPlacementFact()
    {
        var orchestrator = new Orchestrator(new FakeProvider(), Tests(new ScriptedTest("tcp", (_, _, _) => Value(1e9))), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan(), CancellationToken.None);

        Assert.False(outcome.ClusterFacts["calico"].ContainsKey(Orchestrator.ToolPlacementFact));
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

    private sealed class PlacingProvider : IClusterProvider
    {
        public List<ToolPlacementSpec> Asked { get; } = [];

        public string Name => "placing";

        public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
            Task.FromResult<ICluster>(new PlacingCluster(request.Cni, Asked));
    }

    private sealed class PlacingCluster(string cni, List<ToolPlacementSpec> asked) : ICluster, IToolPlacement
    {
        private readonly FakeCluster _inner = new(cni);

        public string Cni => _inner.Cni;

        public string Description => "placing";

        public IReadOnlyList<ClusterNode> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => _inner.Facts;

        public PlacedEndpoints Place(IWorkloadHost client, IWorkloadHost server, ToolPlacementSpec spec)
        {
            asked.Add(spec);
            return new(new FakeHost($"placed:{client.Name}", client.NodeName), new FakeHost($"placed:{server.Name}", server.NodeName), $"{spec.Pinning}, nice {spec.Nice}");
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
