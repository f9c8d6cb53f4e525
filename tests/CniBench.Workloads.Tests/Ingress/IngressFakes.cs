using System.Net;
using CniBench.Core.Clusters;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>A cluster of fake pods: 198.19.&lt;node&gt;.&lt;pod + 10&gt;, every pod sharing one scripted runner.</summary>
internal sealed class FakeCluster(int nodes, int podsPerNode, FakeProcessRunner runner) : ICluster
{
    public string Cni => "calico";

    public string Description => "fake";

    public IReadOnlyDictionary<string, string> Facts { get; } = new Dictionary<string, string>();

    public IReadOnlyList<ClusterNode> Nodes { get; } =
    [
        .. Enumerable.Range(1, nodes).Select(n => new ClusterNode(
            $"n{n}",
            new FakeWorkloadHost($"n{n}", IPAddress.Parse($"198.18.0.{n}"), runner) { NodeName = $"n{n}" },
            [.. Enumerable.Range(1, podsPerNode).Select(p => (IWorkloadHost)new FakeWorkloadHost($"n{n}-p{p}", IPAddress.Parse($"198.19.{n}.{p + 10}"), runner) { NodeName = $"n{n}" })])),
    ];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal static class IngressTemplates
{
    public static string Repository() =>
        File.ReadAllText(Path.Combine(CniBench.Workloads.Ingress.IngressKindOptions.RepositoryRoot()!, "manifests", "workloads", "ingress.yaml"));
}
