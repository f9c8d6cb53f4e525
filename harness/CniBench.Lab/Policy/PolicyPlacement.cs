using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Policy;

/// <summary>
/// Where a model pod lives in the lab: the node namespace that routes its traffic and the host side of its
/// veth there, through which every packet to or from the pod passes.
/// </summary>
public sealed record PodPlacement(string PodId, string NodeNamespace, string HostVeth)
{
    /// <summary>The lab pod's own network namespace, where the pod's sockets live.</summary>
    public string? PodNamespace { get; init; }
}

/// <summary>A model whose pods carry their lab addresses, and where each pod sits.</summary>
public sealed record PlacedModel(ClusterModel Model, IReadOnlyList<PodPlacement> Placements)
{
    /// <summary>The same placement as an address plan (pod addresses, their nodes, the nodes' pod subnets), for ipBlock placeholders.</summary>
    public AddressPlan? Addresses { get; init; }
}

/// <summary>The nft script for one node namespace, to be loaded with one <c>nft -f -</c> (one transaction).</summary>
public sealed record NftNodeScript(string NodeNamespace, string Text);

/// <summary>Policies or placements the compiler cannot turn into rules; every problem is listed, and nothing is applied.</summary>
public sealed class PolicyCompileException(IReadOnlyList<string> errors)
    : Exception("cannot compile the network policies: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
