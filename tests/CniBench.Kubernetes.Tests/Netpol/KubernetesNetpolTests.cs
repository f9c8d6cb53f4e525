using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Netpol;
using CniBench.Kubernetes.Tests.Fakes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Netpol;

public sealed partial class KubernetesNetpolTests : IAsyncLifetime
{
    private const string RunId = "20260101T000000Z-3fa2";
    private const string RunNamespace = "cnibench-3fa2";

    private FakeKubeApiServer _server = null!;
    private FakeNetworkPolicies _policies = null!;
    private string _directory = null!;
    private KubernetesCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeKubeApiServer.StartAsync();
        _policies = new FakeNetworkPolicies(_server);
        _directory = Directory.CreateTempSubdirectory("cnb-kube-").FullName;
        // Pods named a run on node ka, b on kb, c on kc, with addresses from their node's pod range (host-local IPAM).
        for (var p = 0; p < DefaultModel.PodNames.Count; p++)
        {
            _server.Nodes.Add(new V1Node
            {
                Metadata = new V1ObjectMeta { Name = "k" + DefaultModel.PodNames[p] },
                Spec = new V1NodeSpec { PodCIDR = $"198.18.{100 + p}.0/24", PodCIDRs = [$"198.18.{100 + p}.0/24"] },
            });
        }

        for (var n = 0; n < DefaultModel.NamespaceNames.Count; n++)
        {
            var model = DefaultModel.NamespaceNames[n];
            AddModelNamespace(RunNamespace + "-" + model, model, RunId);
            for (var p = 0; p < DefaultModel.PodNames.Count; p++)
            {
                AddAgnhostPod(RunNamespace + "-" + model, DefaultModel.PodNames[p], $"198.18.{100 + p}.{20 + n}");
            }
        }

        // Another run's model namespace, with a pod of the same name: must not be picked up.
        AddModelNamespace("cnibench-9999-x", "x", "20250101T000000Z-9999");
        AddAgnhostPod("cnibench-9999-x", "a", "198.18.99.99");

        var connection = KubeContexts.Connect(_server.WriteKubeconfig(_directory), "fake");
        _cluster = new KubernetesCluster("calico", connection, RunId, RunNamespace, [], new Dictionary<string, string>(), TimeProvider.System, TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task DeployAsync_DefaultModel_ReturnsModelWithPodIpsFromStatus()
    {
        await using var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);

        Assert.Equal(["x", "y", "z"], deployment.Model.Namespaces.Select(n => n.Name));
        Assert.Equal("198.18.100.20", Ip(deployment.Model, "x/a"));
        Assert.Equal("198.18.101.21", Ip(deployment.Model, "y/b"));
        Assert.Equal("198.18.102.22", Ip(deployment.Model, "z/c"));
        Assert.Equal(9, deployment.Model.Pods.Count);
        // The agnhost pods serve no SCTP, so the placed model has none (an SCTP case is then "not tested").
        Assert.Equal(DefaultModel.Create().Probes.Where(p => p.Protocol != NetpolProtocol.Sctp), deployment.Model.Probes);
        Assert.Equal("kb", deployment.Addresses!.PodNodes["y/b"]);
        Assert.Equal([IPNetwork.Parse("198.18.101.0/24")], deployment.Addresses.NodeRanges["kb"]);
        Assert.True(deployment.Enforcer.EnforcesIngress);
        Assert.True(deployment.Enforcer.EnforcesEgress);
        Assert.Contains(_server.Requests, r => r.StartsWith("GET /api/v1/namespaces?", StringComparison.Ordinal) && r.Contains("labelSelector=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeployAsync_CustomModel_FailsSayingLabOnly()
    {
        var custom = DefaultModel.Create(["x", "y"], ["a", "b"], [80], [NetpolProtocol.Tcp]);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => _cluster.DeployAsync(custom, Ct));

        Assert.Contains("custom models run on the lab only for now", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployAsync_PodMissing_NamesThePod()
    {
        var fresh = await FakeKubeApiServer.StartAsync();
        await using var _ = fresh;
        foreach (var model in DefaultModel.NamespaceNames)
        {
            fresh.AddNamespace(RunNamespace + "-" + model, new Dictionary<string, string> { ["ns"] = model, [KubeLabels.Run] = RunId });
        }

        using var connection = KubeContexts.Connect(fresh.WriteKubeconfig(Directory.CreateDirectory(Path.Combine(_directory, "fresh")).FullName), "fake");

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => KubernetesNetpolDeployer.DeployAsync(connection.Client, "fake", RunId, RunNamespace, DefaultModel.Create(), TimeProvider.System, Ct));

        Assert.Contains("cnibench-3fa2-x/a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_TwoCases_CreatesRewrittenPoliciesReplacesThemAndClearDeletesThem()
    {
        var foreign = Policy("hand-made", "cnibench-3fa2-x", null);
        foreign.Metadata.Labels = new Dictionary<string, string> { ["team"] = "someone" };
        _policies.Add(foreign);
        var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);

        await deployment.Enforcer.ApplyAsync([Policy("deny-all", "x", null), Policy("allow-from-y", "z", "y")], Ct);

        var created = _policies.All.Where(p => p.Metadata.Name != "hand-made").ToList();
        Assert.Equal(["cnibench-3fa2-x/deny-all", "cnibench-3fa2-z/allow-from-y"], created.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
        Assert.All(created, p => Assert.Equal(RunId, p.Metadata.Labels[KubeLabels.Run]));
        Assert.Equal("cnibench-3fa2-y", created[1].Spec.Ingress[0].FromProperty[0].NamespaceSelector.MatchLabels[DefaultModel.MetadataNameLabel]);
        Assert.Contains(_server.Requests, r => r.StartsWith("PATCH /apis/networking.k8s.io/v1/namespaces/cnibench-3fa2-z/networkpolicies/allow-from-y?", StringComparison.Ordinal));

        await deployment.Enforcer.ApplyAsync([Policy("allow-from-x", "y", "x")], Ct);

        Assert.Equal(["cnibench-3fa2-x/hand-made", "cnibench-3fa2-y/allow-from-x"], _policies.All.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));

        await deployment.DisposeAsync();

        Assert.Equal(["cnibench-3fa2-x/hand-made"], _policies.All.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
        Assert.Equal(["cnibench-3fa2-x/deny-all", "cnibench-3fa2-z/allow-from-y", "cnibench-3fa2-y/allow-from-x"], _policies.Deleted);
    }

    [Fact]
    public async Task ApplyAsync_PolicyOutsideModel_ChangesNothing()
    {
        var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);
        await deployment.Enforcer.ApplyAsync([Policy("deny-all", "x", null)], Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => deployment.Enforcer.ApplyAsync([Policy("ok", "y", null), Policy("bad", "default", null)], Ct));

        Assert.Equal(["cnibench-3fa2-x/deny-all"], _policies.All.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
    }

    [Fact]
    public async Task ProbeAsync_FullRound_OneExecPerSourcePodCarryingAllItsProbesAndOutcomesMapped()
    {
        _server.Exec = ScriptedAgnhost;
        await using var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);
        await deployment.Prober.StartListenersAsync([.. deployment.Model.Pods.Select(p => new ListenerSpec(p.Id, p.Ports))], Ct);
        var probes = ConformanceTables.Plan(deployment.Model, controlPort: 82);

        var results = await deployment.Prober.ProbeAsync(probes, TimeSpan.FromSeconds(1), Ct);

        var execs = _server.Execs.ToList();
        Assert.Equal(9, execs.Count);
        Assert.All(execs, argv => Assert.Equal(["sh", "-c"], argv.Take(2)));
        foreach (var pod in deployment.Model.Pods)
        {
            var path = $"/api/v1/namespaces/{RunNamespace}-{pod.Namespace}/pods/{pod.Name}/exec";
            Assert.Single(_server.Requests, r => r.StartsWith("GET " + path, StringComparison.Ordinal));
        }

        // Every probe is in exactly one script, that of its source pod.
        var indices = execs.SelectMany(argv => ProbeLine().Matches(argv[2]).Select(m => int.Parse(m.Groups["i"].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(Enumerable.Range(0, probes.Count), indices.Order());
        Assert.All(execs, argv => Assert.EndsWith("wait\n", argv[2], StringComparison.Ordinal));

        Assert.Equal(probes.Count, results.Count);
        for (var i = 0; i < probes.Count; i++)
        {
            var probe = probes[i];
            Assert.Same(probe, results[i].Request);
            var expected = (probe.Port, probe.Protocol) switch
            {
                (80, NetpolProtocol.Tcp) => ProbeOutcome.Connected,
                (81, NetpolProtocol.Tcp) => ProbeOutcome.TimedOut,
                (80, NetpolProtocol.Udp) => ProbeOutcome.Connected,
                (81, NetpolProtocol.Udp) => ProbeOutcome.Refused,
                _ => ProbeOutcome.Error,
            };
            Assert.Equal(expected, results[i].Outcome);
        }

        Assert.Contains(results, r => r.Request.Control && r.Detail == "agnhost connect exited 1: OTHER: dial tcp: connect: no route to host");
    }

    [Fact]
    public async Task ProbeAsync_ExecNeverEnds_ThatPodsProbesAreErrorsWithinTheBound()
    {
        var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);
        var locations = deployment.Model.Pods.ToDictionary(p => p.Id, p => new PodLocation(RunNamespace + "-" + p.Namespace, p.Name));
        // A bound far above what an answering exec needs on a loaded host (the fake answers at once), so only the held
        // exec can reach it: the outcomes show which exec the bound ended, whatever the host's speed.
        var bound = TimeSpan.FromMilliseconds(200) + TimeSpan.FromSeconds(3);
        await using var engine = new KubernetesProbeEngine(_cluster.Client, "fake", locations, TimeProvider.System) { ExecMargin = TimeSpan.FromSeconds(3) };
        var a = deployment.Model.Pods.Single(p => p.Id == "x/a");
        var b = deployment.Model.Pods.Single(p => p.Id == "y/b");
        ProbeRequest[] probes =
        [
            new("x/a", "y/b", b.Ip!, 80, NetpolProtocol.Tcp),
            new("y/b", "x/a", a.Ip!, 80, NetpolProtocol.Tcp),
            new("x/a", "x/a", a.Ip!, 80, NetpolProtocol.Tcp),
        ];

        // The exec of y/b (probe 1) hangs, as on a node under pressure; x/a's answers.
        _server.Exec = argv => argv[2].Contains("p 1 ", StringComparison.Ordinal) ? new ExecReply(Hold: true) : ScriptedAgnhost(argv);

        var results = await engine.ProbeAsync(probes, TimeSpan.FromMilliseconds(200), Ct);

        // Only the bound (probe timeout + ExecMargin) can end the held exec, and it did; x/a's probes kept their answers.
        Assert.Equal([ProbeOutcome.Connected, ProbeOutcome.Error, ProbeOutcome.Connected], results.Select(r => r.Outcome));
        Assert.EndsWith($"did not end within {bound}", results[1].Detail, StringComparison.Ordinal);
        Assert.Equal(2, _server.Execs.Count);
    }

    [Fact]
    public async Task StartListenersAsync_PodNotReady_NamesIt()
    {
        var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);
        var pod = _server.PodsIn(RunNamespace + "-y").Single(p => p.Metadata.Name == "c");
        pod.Status.Conditions = [new V1PodCondition { Type = "Ready", Status = "False" }];

        var error = await Assert.ThrowsAsync<KubeOperationException>(() => deployment.Prober.StartListenersAsync([.. deployment.Model.Pods.Select(p => new ListenerSpec(p.Id, p.Ports))], Ct));

        Assert.Contains("cnibench-3fa2-y/c", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("cnibench-3fa2-y/b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_IpBlockCase_PlaceholdersResolveToTheClustersPodIpsAndTheOracleExpectsAllowInsideTheBlock()
    {
        await using var deployment = await _cluster.DeployAsync(DefaultModel.Create(), Ct);
        var testCase = NetpolCase.Load(Suite, "15-ipblock-except-ingress").Case!;

        var resolution = IpBlockPlaceholders.Resolve([.. testCase.Policies.Select(p => p.Policy)], deployment.Addresses!);
        await deployment.Enforcer.ApplyAsync(resolution.Policies, Ct);

        // x/b's node kb holds every b pod (198.18.101.0/24); y/b is excepted. The cluster gets these blocks, not the lab's.
        var applied = Assert.Single(_policies.All).Spec.Ingress[0].FromProperty[0].IpBlock;
        Assert.Equal("198.18.101.0/24", applied.Cidr);
        Assert.Equal(["198.18.101.21/32"], applied.Except);
        var oracle = new PolicyOracle(deployment.Model, resolution.Policies);
        var tcp80 = new ProbeKey(80, NetpolProtocol.Tcp);
        Assert.True(oracle.IsAllowed("x/b", "x/a", tcp80));
        Assert.True(oracle.IsAllowed("z/b", "x/a", tcp80));
        Assert.False(oracle.IsAllowed("y/b", "x/a", tcp80));
        Assert.False(oracle.IsAllowed("y/a", "x/a", tcp80));
    }

    [Fact]
    public async Task RunAsync_CniProgramsAfterARandomDelayAndNoWait_ConformantCniIsMarkedNonConformant()
    {
        // What the harness did before: apply, then probe at once. The simulated CNI is conformant, only not instant.
        var cni = Simulate(programs: true);

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation("01-deny-all-ingress", TimeSpan.Zero), Ct);

        Assert.Equal(0, Value(outcome, Core.Measurements.Metrics.CasePass));
        Assert.True(Value(outcome, Core.Measurements.Metrics.CellsWrong) > 0);
        Assert.NotEmpty(cni.Delays);
    }

    [Fact]
    public async Task RunAsync_CniProgramsAfterARandomDelay_WaitsForItGradesConformantAndRecordsTheLatency()
    {
        var cni = Simulate(programs: true);
        var test = new NetpolKind(TimeProvider.System);

        var deny = await test.RunAsync(Invocation("01-deny-all-ingress", TimeSpan.FromSeconds(30)), Ct);
        var ipBlock = await test.RunAsync(Invocation("15-ipblock-except-ingress", TimeSpan.FromSeconds(30)), Ct);

        Assert.Equal(1, Value(deny, Core.Measurements.Metrics.CasePass));
        Assert.True(Value(deny, NetpolMetrics.ConvergenceRounds) > 1, "the first round should still see the open datapath");
        Assert.True(Value(deny, NetpolMetrics.ProgrammingLatencyMs) > 0);
        Assert.Contains(deny.Observations, o => o.Metric == NetpolMetrics.PolicyRemovalLatencyMs);
        Assert.Equal(1, Value(ipBlock, Core.Measurements.Metrics.CasePass));
        Assert.Equal(4, cni.Delays.Count);
        Assert.Empty(_server.Crashes);
    }

    [Fact]
    public async Task RunAsync_CniNeverPrograms_CaseFailsWithTheLastDiffAndTheTimeWaited()
    {
        Simulate(programs: false);
        var invocation = Invocation("01-deny-all-ingress", TimeSpan.FromMilliseconds(500));

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(invocation, Ct);

        Assert.Equal(0, Value(outcome, Core.Measurements.Metrics.CasePass));
        Assert.Matches("^the policies never showed in the datapath: waited [0-9]+ ms \\([0-9]+ probe rounds, timeout 0.5 s\\)", outcome.Reason);
        var raw = ((MemorySink)invocation.Sink).Raw[outcome.RawFile!];
        Assert.Contains("policies applied: NOT REACHED within 0.5 s", raw, StringComparison.Ordinal);
        Assert.Contains("80/TCP diff (. match, X mismatch, - not graded)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SctpCase_IsNotTestedBecauseTheAgnhostPodsServeNoSctp()
    {
        Simulate(programs: true);

        var outcome = await new NetpolKind(TimeProvider.System).RunAsync(Invocation("24-sctp-only", TimeSpan.FromSeconds(30)), Ct);

        Assert.Equal(MeasurementStatus.Unsupported, outcome.Status);
        Assert.Equal("not tested: the deployed model serves none of the ports its policies name (SCTP 80)", outcome.Reason);
    }

    private static string Suite => Path.Combine(Workloads.WorkloadTestPaths.Root, "manifests", "netpol");

    private static double Value(TestOutcome outcome, string metric) => outcome.Observations.Single(o => o.Metric == metric).Value;

    /// <summary>The simulated CNI on this fake: the run's model pods as the datapath sees them, programming 0.2-0.6 s after each change.</summary>
    private SimulatedCni Simulate(bool programs)
    {
        var model = DefaultModel.Create();
        var namespaces = model.Namespaces.Select(n => new NamespaceModel(
            RunNamespace + "-" + n.Name,
            new Dictionary<string, string> { ["ns"] = n.Name, [KubeLabels.Run] = RunId, [DefaultModel.MetadataNameLabel] = RunNamespace + "-" + n.Name })).ToList();
        var pods = model.Pods.Select(p => p with
        {
            Namespace = RunNamespace + "-" + p.Namespace,
            Ip = IPAddress.Parse(_server.PodsIn(RunNamespace + "-" + p.Namespace).Single(q => q.Metadata.Name == p.Name).Status.PodIP),
            Ports = [.. p.Ports.Where(port => port.Protocol != NetpolProtocol.Sctp)],
        }).ToList();
        var cni = new SimulatedCni(new ClusterModel(namespaces, pods), () => _policies.All, seed: 16, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(600)) { Programs = programs };
        cni.Attach(_server);
        return cni;
    }

    private TestInvocation Invocation(string caseName, TimeSpan convergenceTimeout) =>
        new(
            new PlannedMeasurement(
                new MeasurementKey("calico", "netpol", caseName, Topologies.PodToPod, 1),
                new TestSpec { Test = "netpol", Settings = new NetpolTestSpec { Suite = Suite, Samples = 2, ProbeTimeout = TimeSpan.FromMilliseconds(200), ConvergenceTimeout = convergenceTimeout } },
                new TestVariant(caseName, 1)),
            new NoHost(),
            new NoHost(),
            new MemorySink(),
            "raw/x")
        {
            Cluster = _cluster,
        };

    private sealed class NoHost : IWorkloadHost
    {
        public string Name => "none";

        public string NodeName => "none";

        public IPAddress Address => IPAddress.Loopback;

        public int Mtu => 1500;

        public CniBench.Core.Processes.IProcessRunner Runner => throw new NotSupportedException();
    }

    private sealed class MemorySink : IMeasurementSink
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, string> Raw { get; } = new();

        public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken)
        {
            Raw[relativePath] = content;
            return Task.FromResult(relativePath);
        }
    }

    /// <summary>Answers each probe line of a script as agnhost would: 80/TCP and 80/UDP connect, 81/TCP times out, 81/UDP is refused, anything else has no route.</summary>
    private static ExecReply ScriptedAgnhost(IReadOnlyList<string> argv)
    {
        if (argv is not ["sh", "-c", var script])
        {
            return new ExecReply(Stderr: "unexpected argv", ExitCode: 127);
        }

        var output = new StringBuilder();
        foreach (Match m in ProbeLine().Matches(script))
        {
            var message = (m.Groups["port"].Value, m.Groups["proto"].Value) switch
            {
                ("80", "tcp") or ("80", "udp") => "0 ",
                ("81", "tcp") => "1 TIMEOUT",
                ("81", "udp") => "1 REFUSED: read udp 198.18.0.1:4000->198.18.0.2:81: read: connection refused",
                _ => "1 OTHER: dial tcp: connect: no route to host",
            };
            output.Append(m.Groups["i"].Value).Append(' ').Append(message).Append('\n');
        }

        return new ExecReply(output.ToString());
    }

    private static string? Ip(ClusterModel model, string id) => model.Pods.Single(p => p.Id == id).Ip?.ToString();

    private void AddModelNamespace(string name, string model, string runId) =>
        _server.AddNamespace(name, new Dictionary<string, string> { ["ns"] = model, [KubeLabels.Run] = runId, [DefaultModel.MetadataNameLabel] = name });

    private void AddAgnhostPod(string ns, string name, string ip) => _server.AddPod(new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["pod"] = name } },
        Spec = new V1PodSpec { NodeName = "k" + name, Containers = [] },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = ip,
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }],
        },
    });

    private static V1NetworkPolicy Policy(string name, string ns, string? fromNamespace) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector(),
            PolicyTypes = ["Ingress"],
            Ingress = fromNamespace is null
                ? []
                : [new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [DefaultModel.MetadataNameLabel] = fromNamespace } } }] }],
        },
    };

    [GeneratedRegex(@"^p (?<i>\d+) (?<ip>[0-9.]+):(?<port>\d+) --timeout=\S+ --protocol=(?<proto>[a-z]+) &$", RegexOptions.Multiline)]
    private static partial Regex ProbeLine();
}
