using System.Net;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Policy;

/// <summary>Puts a policy model's pods onto a lab's pods.</summary>
public static class LabPolicyPlacement
{
    /// <summary>
    /// Assigns model pods, in model order, to lab pods taken one per node in turn (n1-p1, n2-p1, …, n1-p2, …),
    /// so neighbouring model pods land on different nodes and a truth table mixes same-node and cross-node
    /// pairs. Each model pod gets its lab pod's address.
    /// </summary>
    public static PlacedModel Place(LabBlueprint blueprint, ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        ArgumentNullException.ThrowIfNull(model);
        var labPods = blueprint.Pods.OrderBy(p => p.Index).ThenBy(p => p.Node).ToList();
        if (model.Pods.Count > labPods.Count)
        {
            throw new ArgumentException($"the model has {model.Pods.Count} pods but lab {blueprint.Lab} only {labPods.Count}", nameof(model));
        }

        var pods = new List<PodModel>(model.Pods.Count);
        var placements = new List<PodPlacement>(model.Pods.Count);
        var addresses = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var podNodes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < model.Pods.Count; i++)
        {
            var labPod = labPods[i];
            var node = blueprint.Nodes[labPod.Node - 1];
            pods.Add(model.Pods[i] with { Ip = labPod.Address });
            placements.Add(new PodPlacement(model.Pods[i].Id, node.Namespace, labPod.HostVeth) { PodNamespace = labPod.Namespace });
            addresses[model.Pods[i].Id] = labPod.Address;
            podNodes[model.Pods[i].Id] = node.Name;
        }

        // Each node's pods come from 198.19.<node>.0/24 (LabAddressing), which is what {{node-of …}} names.
        var ranges = blueprint.Nodes.ToDictionary(
            n => n.Name,
            n => (IReadOnlyList<IPNetwork>)[IPNetwork.Parse(LabAddressing.PodSubnet(n.Index))],
            StringComparer.Ordinal);
        return new PlacedModel(new ClusterModel(model.Namespaces, pods), placements) { Addresses = new AddressPlan(addresses, podNodes, ranges) };
    }
}
