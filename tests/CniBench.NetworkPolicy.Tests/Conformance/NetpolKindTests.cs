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

    private static TestInvocation Invocation(FakeNetpolCluster cluster, string variant, int repetition = 1, int samples = 2, TimeSpan? convergenceTimeout = null) =>
        new(
            new PlannedMeasurement(
                new MeasurementKey("fake", "netpol", variant, Topologies.PodToPod, repetition),
                new TestSpec { Test = "netpol", Settings = new NetpolTestSpec { Suite = Suite, Samples = samples, ProbeTimeout = TimeSpan.FromMilliseconds(100), ConvergenceTimeout = convergenceTimeout ?? TimeSpan.FromSeconds(30) } },
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
        // 9 pods × 9 pods × 5 port/protocols, less the 9 × 5 self cells that are not graded.
        Assert.Equal(360, values["cells_correct"]);
        Assert.True(values.ContainsKey("programming_latency_ms"));
        Assert.Empty(cluster.Enforcer.Active);
    }

    [Fact]
    public async Task RunAsync_DatapathEnforcesNothing_DenyCaseFailsWithTheBlockedCellsWrong()
    {
        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation(new FakeNetpolCluster(enforce: false), "01-deny-all-ingress"), CancellationToken.None);

        var values = Values(outcome);
        Assert.Equal(0, values[Metrics.CasePass]);
        // Into x/a, x/b, x/c from the 8 other pods, on 5 port/protocols: 3 × 8 × 5.
        Assert.Equal(120, values["cells_wrong"]);
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
        Assert.Equal(40, values["cells_probe_error"]);
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
    public async Task RunAsync_DatapathProgramsAfterSomeRounds_WaitsThenGradesBlindSamplesAndPasses()
    {
        // A real CNI: the API accepted the policies, the datapath shows them three probe rounds later.
        var cluster = new FakeNetpolCluster(enforce: true) { ProgrammedAfterRounds = 3 };

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, "01-deny-all-ingress"), CancellationToken.None);

        var values = Values(outcome);
        Assert.Equal(1, values[Metrics.CasePass]);
        Assert.Equal(4, values[NetpolMetrics.ConvergenceRounds]);
        Assert.True(values.ContainsKey(NetpolMetrics.ProgrammingLatencyMs));
        Assert.True(values.ContainsKey(NetpolMetrics.PolicyRemovalLatencyMs));
        // 4 rounds to converge, 2 blind samples, then after deleting 3 rounds of old rules and 1 that shows the open state.
        Assert.Equal(10, cluster.Prober.Rounds);
        Assert.Null(outcome.Reason);
    }

    [Fact]
    public async Task RunAsync_DatapathProgramsAfterSomeRoundsButNoWait_FailsAsTheOldApplyThenProbeDid()
    {
        var cluster = new FakeNetpolCluster(enforce: true) { ProgrammedAfterRounds = 3 };

        var values = Values(await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, "01-deny-all-ingress", convergenceTimeout: TimeSpan.Zero), CancellationToken.None));

        Assert.Equal(0, values[Metrics.CasePass]);
        Assert.Equal(120, values["cells_wrong"]);
    }

    [Fact]
    public async Task RunAsync_DatapathNeverPrograms_FailsWithTheTimeWaitedAndTheLastDiff()
    {
        var cluster = new FakeNetpolCluster(enforce: false) { Programmed = false };
        var sink = new MemorySink();
        var invocation = Invocation(cluster, "01-deny-all-ingress", convergenceTimeout: TimeSpan.FromMilliseconds(300)) with { Sink = sink };

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(invocation, CancellationToken.None);

        var values = Values(outcome);
        Assert.Equal(0, values[Metrics.CasePass]);
        Assert.False(values.ContainsKey(NetpolMetrics.ProgrammingLatencyMs));
        Assert.True(values[NetpolMetrics.ConvergenceRounds] > 1);
        Assert.StartsWith("the policies never showed in the datapath: waited ", outcome.Reason, StringComparison.Ordinal);
        var raw = sink.Raw[outcome.RawFile!];
        Assert.Contains("policies applied: NOT REACHED within 0.3 s", raw, StringComparison.Ordinal);
        Assert.Contains("80/TCP diff (. match, X mismatch, - not graded)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SctpCaseWhereSctpIsUnsupported_IsNotTestedNeverPassed()
    {
        var cluster = new FakeNetpolCluster(enforce: true) { SctpUnsupported = true };
        var test = new NetpolKind(TimeProvider.System);

        var outcome = await test.RunAsync(Invocation(cluster, "24-sctp-only"), CancellationToken.None);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
        Assert.StartsWith("not tested: every probe of the ports its policies name was unsupported: no SCTP here", outcome.Reason, StringComparison.Ordinal);
        Assert.NotNull(outcome.RawFile);
        await test.RunAsync(Invocation(cluster, "01-deny-all-ingress"), CancellationToken.None);
        Assert.Equal(1, Values(await test.RunAsync(Invocation(cluster, NetpolTestSpec.ScoreVariant), CancellationToken.None))[NetpolMetrics.CasesGraded]);
    }

    [Fact]
    public async Task RunAsync_SctpCaseWhereSctpIsProbed_IsGraded()
    {
        var values = Values(await new NetpolKind(TimeProvider.System).RunAsync(Invocation(new FakeNetpolCluster(enforce: true), "24-sctp-only"), CancellationToken.None));

        Assert.Equal(1, values[Metrics.CasePass]);
    }

    [Theory]
    [InlineData("15-ipblock-except-ingress")]
    [InlineData("16-ipblock-except-egress")]
    [InlineData("17-ipblock-multi-node")]
    public async Task RunAsync_IpBlockCase_ResolvesPlaceholdersOnTheClustersPlanAndBlocksSomething(string caseName)
    {
        var cluster = new FakeNetpolCluster(enforce: true);

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation(cluster, caseName), CancellationToken.None);

        Assert.Equal(1, Values(outcome)[Metrics.CasePass]);
        Assert.NotEmpty(cluster.Prober.LastApplied);
        Assert.DoesNotContain("{{", string.Join(" ", cluster.Prober.LastApplied.Select(p => k8s.KubernetesJson.Serialize(p))), StringComparison.Ordinal);
        // The resolved blocks cover some pods and leave out others: the case really exercises ipBlock and except.
        Assert.True(cluster.Prober.BlockedCells > 0);
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
        public Dictionary<string, string> Raw { get; } = [];

        public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken)
        {
            Raw[relativePath] = content;
            return Task.FromResult(relativePath);
        }
    }

    /// <summary>
    /// A datapath simulated with the oracle itself (when it enforces) or wide open (when it does not), placed on the
    /// lab's address plan. <see cref="ProgrammedAfterRounds"/> plays a CNI that programs asynchronously: each change
    /// shows only from that many probe rounds after it.
    /// </summary>
    private sealed class FakeNetpolCluster(bool enforce) : ICluster, INetpolCluster
    {
        public FakeEnforcer Enforcer { get; private set; } = new();

        public FakeProber Prober { get; private set; } = null!;

        public int Deployments { get; private set; }

        public int FlapOnRound { get; init; }

        public string? ErrorTo { get; init; }

        public int ProgrammedAfterRounds { get; init; }

        /// <summary>False: the enforcer does not say the datapath is programmed when apply returns, so the test waits.</summary>
        public bool Programmed { get; init; } = true;

        public bool SctpUnsupported { get; init; }

        public string Cni => "fake";

        public string Description => "fake";

        public IReadOnlyList<ClusterNode> Nodes => [];

        public IReadOnlyDictionary<string, string> Facts => new Dictionary<string, string>();

        public Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken)
        {
            Deployments++;
            var (placed, plan) = CniBench.NetworkPolicy.Addressing.ReferencePlacement.Place(model);
            Enforcer = new FakeEnforcer { ProgrammedOnApply = Programmed && ProgrammedAfterRounds == 0 };
            Prober = new FakeProber(placed, Enforcer, enforce, FlapOnRound, ErrorTo) { ProgrammedAfterRounds = ProgrammedAfterRounds, SctpUnsupported = SctpUnsupported };
            return Task.FromResult(new NetpolDeployment(placed, Prober, Enforcer) { Addresses = plan });
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class FakeEnforcer : IPolicyEnforcer
    {
        public List<V1NetworkPolicy> Active { get; } = [];

        /// <summary>Counts applies and clears, so the prober can tell when the wanted state changed.</summary>
        public int Version { get; private set; }

        public bool EnforcesIngress => true;

        public bool EnforcesEgress => true;

        public bool ProgrammedOnApply { get; init; } = true;

        public Task ApplyAsync(IReadOnlyList<V1NetworkPolicy> policies, CancellationToken cancellationToken)
        {
            Active.Clear();
            Active.AddRange(policies);
            Version++;
            return Task.CompletedTask;
        }

        public Task ClearAsync(CancellationToken cancellationToken)
        {
            Active.Clear();
            Version++;
            return Task.CompletedTask;
        }
    }

    private sealed class FakeProber(ClusterModel model, FakeEnforcer enforcer, bool enforce, int flapOnRound, string? errorTo) : IProbeEngine
    {
        private int _seenVersion;
        private int _roundsSinceChange;
        private List<V1NetworkPolicy> _effective = [];

        public bool Disposed { get; private set; }

        public int Rounds { get; private set; }

        public int ProgrammedAfterRounds { get; init; }

        public bool SctpUnsupported { get; init; }

        /// <summary>The policies the enforcer was last given (placeholders already resolved by the test kind).</summary>
        public List<V1NetworkPolicy> LastApplied { get; } = [];

        /// <summary>Non-control cells the last round with policies in effect saw blocked.</summary>
        public int BlockedCells { get; private set; }

        public Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Rounds++;
            if (enforcer.Version != _seenVersion)
            {
                _seenVersion = enforcer.Version;
                _roundsSinceChange = 0;
                if (enforcer.Active.Count > 0)
                {
                    LastApplied.Clear();
                    LastApplied.AddRange(enforcer.Active);
                }
            }

            if (++_roundsSinceChange > ProgrammedAfterRounds)
            {
                _effective = [.. enforcer.Active];
            }

            var oracle = new PolicyOracle(model, enforce ? _effective : []);
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

                if (SctpUnsupported && p.Protocol == NetpolProtocol.Sctp)
                {
                    return new ProbeResult(p, ProbeOutcome.Unsupported, TimeSpan.Zero, "no SCTP here");
                }

                var allowed = oracle.IsAllowed(p.From, p.To, new ProbeKey(p.Port, p.Protocol));
                if (Rounds == flapOnRound && !flapped && p.From != p.To)
                {
                    flapped = true;
                    allowed = !allowed;
                }

                return new ProbeResult(p, allowed ? ProbeOutcome.Connected : ProbeOutcome.TimedOut, TimeSpan.Zero);
            })];
            if (_effective.Count > 0)
            {
                BlockedCells = results.Count(r => !r.Request.Control && r.Outcome == ProbeOutcome.TimedOut);
            }

            return Task.FromResult(results);
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
