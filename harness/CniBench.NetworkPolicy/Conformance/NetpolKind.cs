using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>
/// The <c>netpol</c> test: for one case on one cluster, apply its policies, probe every pod pair for
/// every port and protocol in several blind rounds, and grade the samples against the oracle. The
/// <c>score</c> variant turns a repetition's cases into one conformance score per CNI.
/// </summary>
public sealed class NetpolKind(TimeProvider time) : ITestKind
{

    private readonly Dictionary<ICluster, ClusterState> _clusters = [];

    public string Name => NetpolDefinition.TestName;

    public string PrimaryMetric => Metrics.CasePass;

    public async Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        var spec = invocation.Planned.Test.SettingsAs<NetpolTestSpec>();
        if (invocation.Cluster is not { } cluster || cluster is not INetpolCluster netpolCluster)
        {
            return TestOutcome.Unsupported("this provider cannot host the network-policy model");
        }

        if (!_clusters.TryGetValue(cluster, out var state))
        {
            state = new ClusterState();
            _clusters[cluster] = state;
        }

        var repetition = invocation.Planned.Key.Repetition;
        if (invocation.Planned.Variant.Name == NetpolTestSpec.ScoreVariant)
        {
            return Score(state, repetition);
        }

        var (testCase, errors) = NetpolCase.Load(spec.Suite, invocation.Planned.Variant.Name);
        if (testCase is null)
        {
            return TestOutcome.Failed("the case does not load: " + string.Join("; ", errors.Select(e => e.ToString())));
        }

        state.Deployment ??= await DeployAsync(netpolCluster, spec, cancellationToken);
        var deployment = state.Deployment;
        var model = deployment.Model;
        var expected = new PolicyOracle(model, testCase.Policies.Select(p => p.Policy))
            .ComputeAll(spec.GradeSelfTraffic ? SelfTrafficMode.Grade : SelfTrafficMode.Ignore);

        var started = time.GetTimestamp();
        await deployment.Enforcer.ApplyAsync([.. testCase.Policies.Select(p => p.Policy)], cancellationToken);
        var applied = time.GetElapsedTime(started);
        var probes = ConformanceTables.Plan(model, ControlPort(model));
        var samples = new List<IReadOnlyList<ProbeResult>>();
        TimeSpan? latency = null;
        var rounds = new List<TimeSpan>();
        try
        {
            for (var sample = 0; sample < spec.Samples; sample++)
            {
                var roundStarted = time.GetTimestamp();
                var round = await deployment.Prober.ProbeAsync(probes, spec.ProbeTimeout, cancellationToken);
                rounds.Add(time.GetElapsedTime(roundStarted));
                samples.Add(round);
                if (latency is null && ConformanceGrader.RoundMatches(expected, round, model))
                {
                    latency = time.GetElapsedTime(started);
                }
            }
        }
        finally
        {
            await deployment.Enforcer.ClearAsync(CancellationToken.None);
        }

        var grade = ConformanceGrader.Grade(expected, Cells(model, probes, samples));
        state.Results.Add((repetition, testCase.Name, grade.Passed));
        var controls = samples.SelectMany(s => s).Where(r => r.Request.Control).ToList();
        var rawFile = await invocation.Sink.WriteRawAsync(
            $"netpol/{invocation.Planned.Key.Cni}/{testCase.Name}-r{repetition}.txt",
            ConformanceTables.Render($"case {testCase.Name} on {invocation.Planned.Key.Cni} (repetition {repetition}): {testCase.Expect}", grade, [.. model.Pods.Select(p => p.Id)]),
            cancellationToken);

        List<Observation> observations =
        [
            new(Metrics.CasePass, grade.Passed ? 1 : 0, Metrics.Bool),
            new(Metrics.CellsCorrect, grade.Correct, Metrics.Count),
            new(Metrics.CellsWrong, grade.Wrong, Metrics.Count),
            new(Metrics.CellsProbeError, grade.Errors, Metrics.Count),
            new(Metrics.CellsUnsupported, grade.Unsupported, Metrics.Count),
            new(Metrics.ControlConnected, controls.Count(c => c.Outcome == ProbeOutcome.Connected), Metrics.Count),
            new(Metrics.PolicyApplyMs, applied.TotalMilliseconds, Metrics.Milliseconds),
            new(Metrics.ProbeRoundMs, rounds.Average(r => r.TotalMilliseconds), Metrics.Milliseconds),
            new(Metrics.ProbesPerRound, probes.Count, Metrics.Count),
        ];
        if (latency is { } programmed)
        {
            observations.Add(new(Metrics.ProgrammingLatencyMs, programmed.TotalMilliseconds, Metrics.Milliseconds));
        }

        return TestOutcome.Ok(observations, rawFile);
    }

    public async ValueTask ReleaseAsync(ICluster cluster)
    {
        if (_clusters.Remove(cluster, out var state) && state.Deployment is { } deployment)
        {
            await deployment.DisposeAsync();
        }
    }

    private static async Task<NetpolDeployment> DeployAsync(INetpolCluster cluster, NetpolTestSpec spec, CancellationToken cancellationToken)
    {
        var model = DefaultModel.Create();
        if (spec.Model is { } path)
        {
            var loaded = ModelLoader.LoadFile(path);
            model = loaded.Model ?? throw new InvalidOperationException("the model does not load: " + string.Join("; ", loaded.Errors));
        }

        var deployment = await cluster.DeployAsync(model, cancellationToken);
        await deployment.Prober.StartListenersAsync([.. deployment.Model.Pods.Select(p => new ListenerSpec(p.Id, p.Ports))], cancellationToken);
        return deployment;
    }

    private static TestOutcome Score(ClusterState state, int repetition)
    {
        var cases = state.Results.Where(r => r.Repetition == repetition).ToList();
        if (cases.Count == 0)
        {
            return TestOutcome.Failed("no case of this repetition produced a result");
        }

        var passed = cases.Count(c => c.Passed);
        return TestOutcome.Ok(
        [
            new(Metrics.ConformanceScorePercent, 100.0 * passed / cases.Count, Metrics.Percent),
            new(Metrics.CasesPassed, passed, Metrics.Count),
            new(Metrics.CasesGraded, cases.Count, Metrics.Count),
        ], null);
    }

    /// <summary>A port no model pod serves, for the control probes.</summary>
    private static int ControlPort(ClusterModel model)
    {
        var used = model.Pods.SelectMany(p => p.Ports).Select(p => p.Port).ToHashSet();
        return Enumerable.Range(82, 1000).First(p => !used.Contains(p));
    }

    private static List<ObservedCell> Cells(ClusterModel model, IReadOnlyList<ProbeRequest> probes, List<IReadOnlyList<ProbeResult>> samples)
    {
        var cells = new List<ObservedCell>();
        for (var i = 0; i < probes.Count; i++)
        {
            var request = probes[i];
            if (request.Control || !model.TryGetPodIndex(request.From, out var from) || !model.TryGetPodIndex(request.To, out var to))
            {
                continue;
            }

            cells.Add(new ObservedCell(from, to, new ProbeKey(request.Port, request.Protocol), [.. samples.Select(s => s[i].Outcome)]));
        }

        return cells;
    }

    private sealed class ClusterState
    {
        public NetpolDeployment? Deployment { get; set; }

        public List<(int Repetition, string Case, bool Passed)> Results { get; } = [];
    }
}
