using System.Globalization;
using System.Text;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;
using CniBench.NetworkPolicy.Oracle;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>
/// The <c>netpol</c> test: for one case on one cluster, resolve its ipBlock placeholders on the cluster's addresses,
/// apply its policies, wait until a probe round shows what the oracle expects (the programming latency), then probe
/// every pod pair for every port and protocol in several blind rounds and grade those; after deleting the policies,
/// wait the same way for the open state. The <c>score</c> variant turns a repetition's cases into one conformance
/// score per CNI.
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
        var title = $"case {testCase.Name} on {invocation.Planned.Key.Cni} (repetition {repetition}): {testCase.Expect}";
        var rawPath = $"netpol/{invocation.Planned.Key.Cni}/{testCase.Name}-r{repetition}.txt";

        // ipBlock placeholders ({{pod y/b}}, {{node-of x/b}}) name pods; this cluster says which addresses they are.
        var resolution = IpBlockPlaceholders.Resolve([.. testCase.Policies.Select(p => p.Policy)], deployment.Addresses ?? AddressPlan.FromModel(model));
        if (!resolution.Succeeded)
        {
            return TestOutcome.Unsupported("not tested: the case's ipBlock placeholders do not resolve on this cluster: " + string.Join("; ", resolution.Errors));
        }

        var policies = resolution.Policies;
        var selfTraffic = spec.GradeSelfTraffic ? SelfTrafficMode.Grade : SelfTrafficMode.Ignore;
        var expected = new PolicyOracle(model, policies).ComputeAll(selfTraffic);
        var open = new PolicyOracle(model, []).ComputeAll(selfTraffic);
        var probes = ConformanceTables.Plan(model, ControlPort(model));
        var waiting = new ConvergenceOptions(deployment.Enforcer.ProgrammedOnApply ? TimeSpan.Zero : spec.ConvergenceTimeout, spec.ProbeTimeout);

        var started = time.GetTimestamp();
        ConvergenceResult programmed;
        var samples = new List<IReadOnlyList<ProbeResult>>();
        var rounds = new List<TimeSpan>();
        TimeSpan applied;
        long clearing;
        try
        {
            await deployment.Enforcer.ApplyAsync(policies, cancellationToken);
            applied = time.GetElapsedTime(started);
            programmed = await PolicyConvergence.WaitAsync(deployment.Prober, probes, expected, model, waiting, time, started, cancellationToken);

            // Only once the datapath shows the policies are the grading rounds taken, blind: they are never retried.
            // A case that never got there is graded on its last round, which is the diff that says why.
            if (!programmed.Converged)
            {
                samples.Add(programmed.LastRound);
            }

            for (var sample = 0; programmed.Converged && sample < spec.Samples; sample++)
            {
                var roundStarted = time.GetTimestamp();
                samples.Add(await deployment.Prober.ProbeAsync(probes, spec.ProbeTimeout, cancellationToken));
                rounds.Add(time.GetElapsedTime(roundStarted));
            }
        }
        finally
        {
            clearing = time.GetTimestamp();
            await deployment.Enforcer.ClearAsync(CancellationToken.None);
        }

        // The next case must start from an open datapath, so deletion is waited for the same way.
        var reopened = await PolicyConvergence.WaitAsync(deployment.Prober, probes, open, model, waiting, time, clearing, cancellationToken);

        var grade = ConformanceGrader.Grade(expected, Cells(model, probes, samples));
        var report = new StringBuilder(ConformanceTables.Render(title, grade, [.. model.Pods.Select(p => p.Id)]));
        Convergence(report, "policies applied", programmed, waiting);
        Convergence(report, "policies deleted, open state", reopened, waiting);
        if (!reopened.Converged)
        {
            report.Append(ConformanceTables.Render("last round after deleting the policies, against the open state", ConformanceGrader.Grade(open, Cells(model, probes, [reopened.LastRound])), [.. model.Pods.Select(p => p.Id)]));
        }

        Bindings(report, resolution, deployment.Addresses);
        var rawFile = await invocation.Sink.WriteRawAsync(rawPath, report.ToString(), cancellationToken);

        var focus = DistinctiveProbes.Of(policies, model);
        var focusCells = grade.Cells.Where(c => focus.Contains(c.Probe) && expected.IsGraded(c.From, c.To)).ToList();
        if (focusCells.Count == 0 || focusCells.All(c => c.Unsupported))
        {
            var why = focusCells.Count == 0
                ? $"the deployed model serves none of the ports its policies name ({DistinctiveProbes.Named(policies)})"
                : "every probe of the ports its policies name was unsupported: " + (samples.SelectMany(s => s).FirstOrDefault(r => r.Outcome == ProbeOutcome.Unsupported)?.Detail ?? "no reason given");
            return TestOutcome.Unsupported("not tested: " + why) with { RawFile = rawFile };
        }

        var passed = grade.Passed && programmed.Converged && reopened.Converged;
        state.Results.Add((repetition, testCase.Name, passed));
        var controls = samples.SelectMany(s => s).Where(r => r.Request.Control).ToList();
        List<Observation> observations =
        [
            new(Metrics.CasePass, passed ? 1 : 0, Metrics.Bool),
            new(NetpolMetrics.CellsCorrect, grade.Correct, Metrics.Count),
            new(Metrics.CellsWrong, grade.Wrong, Metrics.Count),
            new(NetpolMetrics.CellsProbeError, grade.Errors, Metrics.Count),
            new(NetpolMetrics.CellsUnsupported, grade.Unsupported, Metrics.Count),
            new(NetpolMetrics.ControlConnected, controls.Count(c => c.Outcome == ProbeOutcome.Connected), Metrics.Count),
            new(NetpolMetrics.PolicyApplyMs, applied.TotalMilliseconds, Metrics.Milliseconds),
            new(NetpolMetrics.ProbesPerRound, probes.Count, Metrics.Count),
            new(NetpolMetrics.ConvergenceRounds, programmed.Rounds, Metrics.Count),
        ];
        if (rounds.Count > 0)
        {
            observations.Add(new(NetpolMetrics.ProbeRoundMs, rounds.Average(r => r.TotalMilliseconds), Metrics.Milliseconds));
        }

        if (programmed.Converged)
        {
            observations.Add(new(NetpolMetrics.ProgrammingLatencyMs, programmed.Waited.TotalMilliseconds, Metrics.Milliseconds));
        }

        if (reopened.Converged)
        {
            observations.Add(new(NetpolMetrics.PolicyRemovalLatencyMs, reopened.Waited.TotalMilliseconds, Metrics.Milliseconds));
        }

        var outcome = TestOutcome.Ok(observations, rawFile);
        return programmed.Converged && reopened.Converged
            ? outcome
            : outcome with { Reason = !programmed.Converged ? NotConverged("the policies", programmed, waiting) : NotConverged("the open state after deleting the policies", reopened, waiting) };
    }

    private static string NotConverged(string what, ConvergenceResult result, ConvergenceOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} never showed in the datapath: waited {result.Waited.TotalMilliseconds:0} ms ({result.Rounds} probe rounds, timeout {options.Timeout.TotalSeconds:0.###} s); the raw file has the last diff");

    private static void Convergence(StringBuilder report, string what, ConvergenceResult result, ConvergenceOptions options) =>
        report.Append('\n').Append(what).Append(result.Converged
            ? string.Create(CultureInfo.InvariantCulture, $": matched after {result.Rounds} probe round(s), {result.Waited.TotalMilliseconds:0} ms\n")
            : string.Create(CultureInfo.InvariantCulture, $": NOT REACHED within {options.Timeout.TotalSeconds:0.###} s ({result.Rounds} probe round(s), waited {result.Waited.TotalMilliseconds:0} ms)\n"));

    private static void Bindings(StringBuilder report, PlaceholderResolution resolution, AddressPlan? plan)
    {
        if (resolution.Bindings.Count == 0)
        {
            return;
        }

        report.Append("\nipBlock placeholders on this cluster:\n");
        foreach (var binding in resolution.Bindings)
        {
            report.Append($"  {binding.Policy}: {binding.Placeholder} = {binding.Cidr} ({binding.Meaning})\n");
        }

        foreach (var line in plan?.Describe() ?? [])
        {
            report.Append("  ").Append(line).Append('\n');
        }
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
            new(NetpolMetrics.CasesPassed, passed, Metrics.Count),
            new(NetpolMetrics.CasesGraded, cases.Count, Metrics.Count),
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
