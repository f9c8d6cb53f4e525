using CniBench.NetworkPolicy.Model;
using k8s.Models;

namespace CniBench.NetworkPolicy.Oracle;

/// <summary>
/// Expected NetworkPolicy verdicts for a model, from the Kubernetes spec: a pod is isolated for a
/// direction when some policy selecting it has that policy type; an isolated pod allows only what the
/// union of those policies' rules allows; a connection needs egress from the source and ingress into
/// the destination. Selection and peer sets are computed once here, so tables cost word operations.
/// Policies must already be valid (see <see cref="Policies.PolicyValidator"/>).
/// </summary>
public sealed class PolicyOracle
{
    private readonly CompiledPolicy[] _policies;
    private readonly CompiledPolicy[][] _ingressPolicies;
    private readonly CompiledPolicy[][] _egressPolicies;
    private readonly string[] _podIds;

    public PolicyOracle(ClusterModel model, IEnumerable<V1NetworkPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(policies);
        Model = model;
        var index = new ModelIndex(model);
        _policies = policies.Select(p => CompiledPolicy.Compile(p, model, index)).ToArray();
        var count = model.Pods.Count;
        _podIds = model.Pods.Select(p => p.Id).ToArray();
        _ingressPolicies = new CompiledPolicy[count][];
        _egressPolicies = new CompiledPolicy[count][];
        for (var pod = 0; pod < count; pod++)
        {
            _ingressPolicies[pod] = _policies.Where(p => p.AffectsIngress && p.Selected.Contains(pod)).ToArray();
            _egressPolicies[pod] = _policies.Where(p => p.AffectsEgress && p.Selected.Contains(pod)).ToArray();
        }
    }

    public ClusterModel Model { get; }

    public ExpectedConnectivity ComputeAll(SelfTrafficMode selfTraffic = SelfTrafficMode.Ignore) =>
        new(Model.Probes.Select(Compute).ToArray(), selfTraffic);

    public TruthTable Compute(ProbeKey probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var count = _podIds.Length;
        var pods = Model.Pods;

        // Sources each destination admits, and destinations each source may reach.
        var admitted = new PodSet[count];
        var reachable = new PodSet[count];
        for (var pod = 0; pod < count; pod++)
        {
            admitted[pod] = AdmittedSources(pod, probe);
            reachable[pod] = ReachableDestinations(pod, probe, pods);
        }

        var cells = new bool[count * count];
        for (var source = 0; source < count; source++)
        {
            var row = reachable[source];
            for (var destination = 0; destination < count; destination++)
            {
                cells[(source * count) + destination] = row.Contains(destination) && admitted[destination].Contains(source);
            }
        }

        return new TruthTable(probe, _podIds, cells);
    }

    public bool IsAllowed(string fromPodId, string toPodId, ProbeKey probe) => Explain(fromPodId, toPodId, probe).Allowed;

    /// <summary>The same verdict as <see cref="Compute"/>, evaluated rule by rule with the reasons kept.</summary>
    public VerdictExplanation Explain(string fromPodId, string toPodId, ProbeKey probe, SelfTrafficMode selfTraffic = SelfTrafficMode.Ignore)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var source = PodIndex(fromPodId, nameof(fromPodId));
        var destination = PodIndex(toPodId, nameof(toPodId));
        var destinationPod = Model.Pods[destination];
        var egress = ExplainDirection("egress", source, destination, probe, destinationPod, _egressPolicies[source], p => p.Egress, p => p.AffectsEgress);
        var ingress = ExplainDirection("ingress", destination, source, probe, destinationPod, _ingressPolicies[destination], p => p.Ingress, p => p.AffectsIngress);
        return new VerdictExplanation(fromPodId, toPodId, probe, egress, ingress, selfTraffic);
    }

    /// <summary>Every policy whose podSelector selects the pod, with the directions it isolates.</summary>
    public IReadOnlyList<string> PoliciesSelecting(string podId)
    {
        var pod = PodIndex(podId, nameof(podId));
        return _policies.Where(p => p.Selected.Contains(pod)).Select(p => $"{p.Id} ({p.TypesText})").ToArray();
    }

    private PodSet AdmittedSources(int destination, ProbeKey probe)
    {
        var policies = _ingressPolicies[destination];
        if (policies.Length == 0)
        {
            return PodSet.All(_podIds.Length);
        }

        var allowed = new PodSet(_podIds.Length);
        var destinationPod = Model.Pods[destination];
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Ingress)
            {
                if (rule.PortsMatch(probe, destinationPod))
                {
                    allowed.UnionWith(rule.PeerPods);
                }
            }
        }

        return allowed;
    }

    private PodSet ReachableDestinations(int source, ProbeKey probe, IReadOnlyList<PodModel> pods)
    {
        var policies = _egressPolicies[source];
        if (policies.Length == 0)
        {
            return PodSet.All(_podIds.Length);
        }

        var allowed = new PodSet(_podIds.Length);
        foreach (var policy in policies)
        {
            foreach (var rule in policy.Egress)
            {
                if (rule.HasNamedPorts)
                {
                    // Named ports resolve per destination pod.
                    foreach (var destination in rule.PeerPods.Members())
                    {
                        if (rule.PortsMatch(probe, pods[destination]))
                        {
                            allowed.Add(destination);
                        }
                    }
                }
                else if (rule.PortsMatch(probe, pods[source]))
                {
                    allowed.UnionWith(rule.PeerPods);
                }
            }
        }

        return allowed;
    }

    private DirectionExplanation ExplainDirection(
        string direction,
        int pod,
        int otherPod,
        ProbeKey probe,
        PodModel destinationPod,
        CompiledPolicy[] isolating,
        Func<CompiledPolicy, CompiledRule[]> rulesOf,
        Func<CompiledPolicy, bool> affects)
    {
        var rules = new List<RuleEvaluation>();
        foreach (var policy in isolating)
        {
            foreach (var rule in rulesOf(policy))
            {
                var peer = rule.Peers is null
                    ? "(any peer)"
                    : rule.Peers.FirstOrDefault(p => p.Pods.Contains(otherPod))?.Path;
                var port = rule.Ports is null ? "(all ports)" : rule.FirstMatchingPort(probe, destinationPod)?.Path;
                rules.Add(new RuleEvaluation(policy.Id, rule.Path, peer, port));
            }
        }

        var others = _policies
            .Where(p => p.Selected.Contains(pod) && !affects(p))
            .Select(p => $"{p.Id} ({p.TypesText})")
            .ToArray();
        return new DirectionExplanation(direction, _podIds[pod], isolating.Select(p => p.Id).ToArray(), others, rules);
    }

    private int PodIndex(string podId, string parameter) =>
        Model.TryGetPodIndex(podId, out var index)
            ? index
            : throw new ArgumentException($"pod '{podId}' is not in the model", parameter);
}
