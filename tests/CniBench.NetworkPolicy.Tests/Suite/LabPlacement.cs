using System.Net;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Tests.Suite;

/// <summary>
/// Where the lab puts the model's pods, so that ipBlock cases are evaluated on the addresses the probes
/// will really come from. Pod k of the model (model order x/a, x/b, …, z/c) goes round-robin on lab node
/// (k mod N) + 1 as that node's pod (k div N) + 1. The address is the lab's
/// <c>LabAddressing.PodAddress(node, pod)</c> = 198.19.&lt;node&gt;.&lt;pod + 1&gt;; it is restated here
/// because this test project does not reference CniBench.Lab, and pinned by a test with literal addresses.
/// </summary>
internal static class LabPlacement
{
    public const int DefaultNodeCount = 3;

    public static (int Node, int Pod) Place(int modelIndex, int nodeCount) =>
        ((modelIndex % nodeCount) + 1, (modelIndex / nodeCount) + 1);

    public static IPAddress PodAddress(int node, int pod) => new([198, 19, checked((byte)node), checked((byte)(pod + 1))]);

    /// <summary>The same model with every pod's IP replaced by the one the lab gives it.</summary>
    public static ClusterModel WithLabAddresses(ClusterModel model, int nodeCount = DefaultNodeCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        var pods = model.Pods
            .Select((pod, k) =>
            {
                var (node, podOnNode) = Place(k, nodeCount);
                return pod with { Ip = PodAddress(node, podOnNode) };
            })
            .ToArray();
        return new ClusterModel(model.Namespaces, pods);
    }

    /// <summary>The default 9-pod model as the lab deploys it.</summary>
    public static ClusterModel DefaultLabModel() => WithLabAddresses(DefaultModel.Create());
}
