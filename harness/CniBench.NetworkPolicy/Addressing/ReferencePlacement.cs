using System.Net;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Addressing;

/// <summary>
/// The one address plan that <c>cnibench netpol expect</c>, the lab and the suite's hand-derived tables share: model pod k
/// (model order x/a, x/b, …) runs on node <c>(k mod N) + 1</c> as that node's pod <c>(k div N) + 1</c>, node n's pods
/// come from 198.19.n.0/24, and pod p of a node has 198.19.n.(p + 1) (.0 is the subnet/VTEP address, .1 the bridge
/// gateway). This is exactly what <c>LabPolicyPlacement</c> does on an N-node lab (a lab test pins the two together);
/// it is restated here because this project does not reference the lab.
/// </summary>
public static class ReferencePlacement
{
    /// <summary>The lab's default node count.</summary>
    public const int DefaultNodes = 3;

    /// <summary>The node name the plan uses for lab node <paramref name="node"/> (1-based), as the lab names its nodes.</summary>
    public static string NodeName(int node) => "n" + node.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IPNetwork NodeRange(int node) => new(new IPAddress([198, 19, checked((byte)node), 0]), 24);

    public static IPAddress PodAddress(int node, int podOnNode) => new([198, 19, checked((byte)node), checked((byte)(podOnNode + 1))]);

    /// <summary>The model with every pod's address from the plan, and the plan itself.</summary>
    public static (ClusterModel Model, AddressPlan Plan) Place(ClusterModel model, int nodes = DefaultNodes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(model.Pods.Count, nodes * 253, nameof(model));
        var pods = new List<PodModel>(model.Pods.Count);
        var addresses = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var podNodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var k = 0; k < model.Pods.Count; k++)
        {
            var node = (k % nodes) + 1;
            var address = PodAddress(node, (k / nodes) + 1);
            pods.Add(model.Pods[k] with { Ip = address });
            addresses[model.Pods[k].Id] = address;
            podNodes[model.Pods[k].Id] = NodeName(node);
        }

        var ranges = Enumerable.Range(1, nodes).ToDictionary(NodeName, n => (IReadOnlyList<IPNetwork>)[NodeRange(n)], StringComparer.Ordinal);
        return (new ClusterModel(model.Namespaces, pods), new AddressPlan(addresses, podNodes, ranges));
    }
}
