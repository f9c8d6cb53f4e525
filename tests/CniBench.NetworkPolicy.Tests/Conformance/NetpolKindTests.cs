using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using k8s.Models;

namespace CniBench.NetworkPolicy.Tests.Conformance;

public sealed class NetpolKindTests
{
    private static readonly string Suite = Path.Combine(RepoPaths.Root, "manifests", "netpol");

    private static TestInvocation Invocation(FakeNetpolCluster cluster, string variant, int repetition = 1, int samples = 2) =>
        new(
            new PlannedMeasurement(
                new MeasurementKey("fake", "netpol", variant, Topologies.PodToPod, repetition),
                new TestSpec { Test = "netpol", Settings = new NetpolTestSpec { Suite = Suite, Samples = samples, ProbeTimeout = TimeSpan.FromMilliseconds(100) } },
                new TestVariant(variant, 1)),
            new NoHost(),
            new NoHost(),
            new MemorySink(),
            "raw/x")
        {
            Cluster = cluster,
        };

    private static Dictionary<string, double> Values(TestOutcome outcome) => outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);

    [Fact]
    public async Task RunAsync_DatapathEnforcesLikeTheSpec_CasePasses()
    {
        var cluster = new FakeNetpolCluster(enforce: true);

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, "01-deny-all-ingress"), CancellationToken.None);

        var values = Values(outcome);
        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(1, values[Metrics.CasePass]);
        Assert.Equal(0, values["cells_wrong"]);
        // 9 pods × 9 pods × 4 port/protocols, less the 9 × 4 self cells that are not graded.
        Assert.Equal(288, values["cells_correct"]);
        Assert.True(values.ContainsKey("programming_latency_ms"));
        Assert.Empty(cluster.Enforcer.Active);
    }

    [Fact]
    public async Task RunAsync_DatapathEnforcesNothing_DenyCaseFailsWithTheBlockedCellsWrong()
    {
        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation(new FakeNetpolCluster(enforce: false), "01-deny-all-ingress"), CancellationToken.None);

        var values = Values(outcome);
        Assert.Equal(0, values[Metrics.CasePass]);
        // Into x/a, x/b, x/c from the 8 other pods, on 4 port/protocols: 3 × 8 × 4.
        Assert.Equal(96, values["cells_wrong"]);
        Assert.False(values.ContainsKey("programming_latency_ms"));
    }

    [Fact]
    public async Task RunAsync_CellFlapsBetweenSamples_CaseFails()
    {
        var cluster = new FakeNetpolCluster(enforce: true) { FlapOnRound = 2 };

        var values = Values(await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, "04-allow-all-ingress"), CancellationToken.None));

        Assert.Equal(0, values[Metrics.CasePass]);
        Assert.Equal(1, values["cells_wrong"]);
    }

    [Fact]
    public async Task RunAsync_ProbeErrors_AreCountedAsErrorsNotAsBlocked()
    {
        var cluster = new FakeNetpolCluster(enforce: true) { ErrorTo = "y/b" };

        var values = Values(await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, "04-allow-all-ingress"), CancellationToken.None));

        Assert.Equal(0, values[Metrics.CasePass]);
        Assert.Equal(0, values["cells_wrong"]);
        Assert.Equal(32, values["cells_probe_error"]);
    }

    [Fact]
    public async Task RunAsync_ScoreVariant_IsThePercentageOfCasesPassedInTheRepetition()
    {
        var cluster = new FakeNetpolCluster(enforce: false);
        var test = new NetpolKind(TimeProvider.System);
        await test.RunAsync(Invocation(cluster, "01-deny-all-ingress"), CancellationToken.None);
        await test.RunAsync(Invocation(cluster, "04-allow-all-ingress"), CancellationToken.None);

        var values = Values(await test.RunAsync(Invocation(cluster, NetpolTestSpec.ScoreVariant), CancellationToken.None));

        Assert.Equal(50, values[Metrics.ConformanceScorePercent]);
        Assert.Equal(1, cluster.Deployments);
    }

    [Fact]
    public async Task ReleaseAsync_AfterCases_DisposesTheDeployment()
    {
        var cluster = new FakeNetpolCluster(enforce: true);
        var test = new NetpolKind(TimeProvider.System);
        await test.RunAsync(Invocation(cluster, "01-deny-all-ingress"), CancellationToken.None);

        await test.ReleaseAsync(cluster);

        Assert.True(cluster.Prober.Disposed);
    }

    [Fact]
    public async Task RunAsync_ClusterWithoutPolicySupport_IsUnsupported()
    {
        var invocation = Invocation(new FakeNetpolCluster(true), "01-deny-all-ingress") with { };
        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(invocation with { Cluster = null }, CancellationToken.None);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
    }

    private sealed class NoHost : IWorkloadHost
    {
        public string Name => "none";

        public string NodeName => "none";

        public IPAddress Address => IPAddress.Loopback;

        public int Mtu => 1500;

        public IProcessRunner Runner => throw new NotSupportedException();
    }

    private sealed class MemorySink : IMeasurementSink
    {
        public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken) => Task.FromResult(relativePath);
    }

    /// <summary>A datapath simulated with the oracle itself (when it enforces) or wide open (when it does not).</summary>
    private sealed class FakeNetpolCluster(bool enforce) : ICluster, INetpolCluster
    {
        public FakeEnforcer Enforcer { get; } = new();

        public FakeProber Prober { get; private set; } = null!;

        public int Deployments { get; private set; }

        public int FlapOnRound { get; init; }

        public string? ErrorTo { get; init; }

        public string Cni => "fake";

        public string Description => "fake";

        public IReadOnlyList<ClusterNode> Nodes => [];

        public IReadOnlyDictionary<string, string> Facts => new Dictionary<string, string>();

        public Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken)
        {
            Deployments++;
            Prober = new FakeProber(model, Enforcer, enforce, FlapOnRound, ErrorTo);
            return Task.FromResult(new NetpolDeployment(model, Prober, Enforcer));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeEnforcer : IPolicyEnforcer
    {
        public List<V1NetworkPolicy> Active { get; } = [];

        public bool EnforcesIngress => true;

        public bool EnforcesEgress => true;

        public Task ApplyAsync(IReadOnlyList<V1NetworkPolicy> policies, CancellationToken cancellationToken)
        {
            Active.Clear();
            Active.AddRange(policies);
            return Task.CompletedTask;
        }

        public Task ClearAsync(CancellationToken cancellationToken)
        {
            Active.Clear();
            return Task.CompletedTask;
        }
    }

    private sealed class FakeProber(ClusterModel model, FakeEnforcer enforcer, bool enforce, int flapOnRound, string? errorTo) : IProbeEngine
    {
        private int _round;

        public bool Disposed { get; private set; }

        public Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken)
        {
            _round++;
            var oracle = new PolicyOracle(model, enforce ? enforcer.Active : []);
            var flapped = false;
            IReadOnlyList<ProbeResult> results = [.. probes.Select(p =>
            {
                if (p.Control)
                {
                    return new ProbeResult(p, ProbeOutcome.Refused, TimeSpan.Zero);
                }

                if (p.To == errorTo)
                {
                    return new ProbeResult(p, ProbeOutcome.Error, TimeSpan.Zero, "boom");
                }

                var allowed = oracle.IsAllowed(p.From, p.To, new ProbeKey(p.Port, p.Protocol));
                if (_round == flapOnRound && !flapped && p.From != p.To)
                {
                    flapped = true;
                    allowed = !allowed;
                }

                return new ProbeResult(p, allowed ? ProbeOutcome.Connected : ProbeOutcome.TimedOut, TimeSpan.Zero);
            })];
            return Task.FromResult(results);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
