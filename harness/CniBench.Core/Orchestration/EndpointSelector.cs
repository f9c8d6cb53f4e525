using CniBench.Core.Clusters;
using CniBench.Core.Measurements;

namespace CniBench.Core.Orchestration;

/// <summary>Chooses the client and server for a topology; the same choice on every provider.</summary>
public static class EndpointSelector
{
    /// <summary>Null when the cluster's shape cannot provide the topology.</summary>
    public static (IWorkloadHost Client, IWorkloadHost Server)? Select(ICluster cluster, string topology)
    {
        var nodes = cluster.Nodes;
        if (cluster.Cni == Underlay.Name)
        {
            // The baseline is node to node over the underlay only: no pod, no CNI.
            return topology == Topologies.CrossNode && nodes.Count >= 2 ? (nodes[0].HostNetwork, nodes[1].HostNetwork) : null;
        }

        return topology switch
        {
            Topologies.SameNode when nodes.Count >= 1 && nodes[0].Pods.Count >= 2 => (nodes[0].Pods[0], nodes[0].Pods[1]),
            Topologies.CrossNode or Topologies.PodToService when nodes.Count >= 2 && nodes[0].Pods.Count >= 1 && nodes[1].Pods.Count >= 1 => (nodes[0].Pods[0], nodes[1].Pods[0]),

            // The client is the ingress node's second pod, the server its first (the controller); backends are chosen by the test.
            Topologies.Ingress when nodes.Count >= 2 && nodes[0].Pods.Count >= 2 => (nodes[0].Pods[1], nodes[0].Pods[0]),

            // Every pod probes every pod; the pair only anchors the measurement.
            Topologies.PodToPod when nodes.Count >= 1 && nodes[0].Pods.Count >= 1 => (nodes[0].Pods[0], nodes[0].Pods[0]),
            _ => null,
        };
    }
}
