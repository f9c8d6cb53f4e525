using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Tcp;

namespace CniBench.Core.Tests.Orchestration;

public sealed class OrchestratorVariantTests
{
    private static RunPlan Plan(params string[] cnis) => RunPlanner.Create(new ScenarioSpec
    {
        Name = "t",
        Cnis = cnis,
        Underlay = false,
        Repetitions = 1,
        Tests = [new TestSpec { Test = "tcp", Topologies = ["cross-node"], Settings = new TcpTestSpec() }],
    }, "run-1");

    [Fact]
    public async Task RunAsync_Variant_ReachesTheProviderAsCniAndVariant()
    {
        var provider = new RecordingProvider();
        var orchestrator = new Orchestrator(provider, Tests(new ScriptedTest("tcp", (_, _, _) => Ok())), new MemorySink(), null, TimeProvider.System, NullRunObserver.Instance);

        await orchestrator.RunAsync(Plan("calico+wireguard"), CancellationToken.None);

        var request = Assert.Single(provider.Requests);
        Assert.Equal(("calico", "wireguard"), (request.Cni, request.Variant));
    }

    [Fact]
    public async Task RunAsync_ProviderCannotBuildVariant_RecordsUnsupportedWithReasonAndRunsTheRest()
    {
        var sink = new MemorySink();
        var provider = new RecordingProvider { Unsupported = "calico+ipip: this kernel cannot create ipip devices" };
        var orchestrator = new Orchestrator(provider, Tests(new ScriptedTest("tcp", (_, _, _) => Ok())), sink, null, TimeProvider.System, NullRunObserver.Instance);

        var outcome = await orchestrator.RunAsync(Plan("calico", "calico+ipip"), CancellationToken.None);

        Assert.Equal((1, 0, 1), (outcome.Ok, outcome.Failed, outcome.Unsupported));
        var row = sink.Writes.SelectMany(w => w).Single(r => r.Cni == "calico+ipip");
        Assert.Equal((MeasurementStatus.Unsupported, "calico+ipip: this kernel cannot create ipip devices"), (row.Status, row.Reason));
    }

    [Fact]
    public async Task RunAsync_FailedMeasurementOnBrokenDatapath_NamesTheCauseInTheReason()
    {
        var sink = new MemorySink();
        var provider = new RecordingProvider { Broken = "wireguard-go on n2 exited (code 1)" };
        var orchestrator = new Orchestrator(provider, Tests(new ScriptedTest("tcp", (_, _, _) => Task.FromResult(TestOutcome.Failed("iperf3 timed out")))), sink, null, TimeProvider.System, NullRunObserver.Instance);

        await orchestrator.RunAsync(Plan("calico+wireguard"), CancellationToken.None);

        var row = Assert.Single(sink.Writes.SelectMany(w => w));
        Assert.Equal("wireguard-go on n2 exited (code 1); iperf3 timed out", row.Reason);
    }

    private static Dictionary<string, ITestKind> Tests(ScriptedTest test) => new() { [test.Name] = test };

    private static Task<TestOutcome> Ok() =>
        Task.FromResult(TestOutcome.Ok([new Observation(Metrics.ThroughputBps, 1e9, Metrics.BitsPerSecond)], null));

    private sealed class RecordingProvider : IClusterProvider
    {
        public List<ClusterRequest> Requests { get; } = [];

        public string? Unsupported { get; init; }

        public string? Broken { get; init; }

        public string Name => "recording";

        public Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (request.Variant is not null && Unsupported is not null)
            {
                throw new ClusterUnsupportedException(Unsupported);
            }

            return Task.FromResult<ICluster>(new HealthCluster(request.Id.ToString(), Broken));
        }
    }

    private sealed class HealthCluster(string id, string? broken) : ICluster, IClusterHealth
    {
        private readonly FakeCluster _inner = new(id);

        public string Cni => id;

        public string Description => "health";

        public IReadOnlyList<ClusterNode> Nodes => _inner.Nodes;

        public IReadOnlyDictionary<string, string> Facts => _inner.Facts;

        public ValueTask<string?> CheckAsync(CancellationToken cancellationToken) => ValueTask.FromResult(broken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
