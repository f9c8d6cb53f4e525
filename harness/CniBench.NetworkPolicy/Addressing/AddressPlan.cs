using System.Collections.Frozen;
using System.Net;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Addressing;

/// <summary>
/// Where the model's pods really are on one cluster: each pod's address, the node that runs it, and each node's pod
/// ranges. ipBlock placeholders (<see cref="IpBlockPlaceholders"/>) are resolved against it, so a case written in model
/// terms ("y/b's address", "the pod range of x/b's node") means the same pods on the lab, on a cluster and in
/// <c>cnibench netpol expect</c>.
/// </summary>
public sealed class AddressPlan
{
    private readonly FrozenDictionary<string, IPAddress> _pods;
    private readonly FrozenDictionary<string, string> _podNodes;
    private readonly FrozenDictionary<string, IReadOnlyList<IPNetwork>> _nodeRanges;

    /// <param name="pods">Model pod id ("x/a") → its address.</param>
    /// <param name="podNodes">Model pod id → the name of the node that runs it (absent: unknown).</param>
    /// <param name="nodeRanges">Node name → the ranges its pods get addresses from (Node.spec.podCIDRs on Kubernetes).</param>
    public AddressPlan(
        IReadOnlyDictionary<string, IPAddress> pods,
        IReadOnlyDictionary<string, string> podNodes,
        IReadOnlyDictionary<string, IReadOnlyList<IPNetwork>> nodeRanges)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(podNodes);
        ArgumentNullException.ThrowIfNull(nodeRanges);
        _pods = pods.ToFrozenDictionary(StringComparer.Ordinal);
        _podNodes = podNodes.ToFrozenDictionary(StringComparer.Ordinal);
        _nodeRanges = nodeRanges.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The model pods' addresses only: <c>{{pod …}}</c> resolves, node ranges do not.</summary>
    public static AddressPlan FromModel(ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new AddressPlan(
            model.Pods.Where(p => p.Ip is not null).ToDictionary(p => p.Id, p => p.Ip!, StringComparer.Ordinal),
            new Dictionary<string, string>(),
            new Dictionary<string, IReadOnlyList<IPNetwork>>());
    }

    public IReadOnlyDictionary<string, IPAddress> Pods => _pods;

    public IReadOnlyDictionary<string, string> PodNodes => _podNodes;

    public IReadOnlyDictionary<string, IReadOnlyList<IPNetwork>> NodeRanges => _nodeRanges;

    public bool TryGetPodAddress(string podId, out IPAddress address) => _pods.TryGetValue(podId, out address!);

    /// <summary>One line per pod and node, for the raw output of a case: which addresses its ipBlocks were resolved on.</summary>
    public IEnumerable<string> Describe() =>
        _pods.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {p.Value}" + (_podNodes.TryGetValue(p.Key, out var node) ? $" on {node}" : ""))
            .Concat(_nodeRanges.OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => $"node {n.Key} pod ranges {string.Join(", ", n.Value)}"));
}
