namespace CniBench.Core.Clusters;

/// <summary>An environment that can produce a cluster running a given CNI (the lab, real Kubernetes).</summary>
public interface IClusterProvider
{
    string Name { get; }

    /// <summary>Brings up a cluster for one CNI. The caller disposes it, which tears it down.</summary>
    Task<ICluster> CreateAsync(ClusterRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}

/// <summary>
/// What the orchestrator asks of a provider. <see cref="Cni"/> is <c>underlay</c> for the no-CNI baseline.
/// A provider that cannot build <see cref="Variant"/> throws <see cref="ClusterUnsupportedException"/>; it
/// never builds the default mode in its place.
/// </summary>
public sealed record ClusterRequest(string Cni, ClusterShape Shape)
{
    /// <summary>One of the variants the CNI's manifest offers (e.g. <c>wireguard</c>), or null for its default mode.</summary>
    public string? Variant { get; init; }

    public ClusterId Id => new(Cni, Variant);

    public static ClusterRequest For(ClusterId id, ClusterShape shape) => new(id.Cni, shape) { Variant = id.Variant };
}

/// <summary>How many nodes and pods per node, and the underlay MTU.</summary>
public sealed record ClusterShape(int Nodes, int PodsPerNode, int UnderlayMtu)
{
    public static ClusterShape Default { get; } = new(Nodes: 3, PodsPerNode: 2, UnderlayMtu: 1500);
}
