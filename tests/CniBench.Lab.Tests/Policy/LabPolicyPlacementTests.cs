using CniBench.Core.Clusters;
using CniBench.Lab.Policy;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Tests.Policy;

public sealed class LabPolicyPlacementTests
{
    [Fact]
    public void Place_DefaultModelOnTheDefaultLab_IsTheReferencePlanNetpolExpectUses()
    {
        var blueprint = LabBlueprint.Create(TestSupport.Catalog["calico"], ClusterShape.Default with { Nodes = 3, PodsPerNode = 3 }, "cnb-3fa2");

        var placed = LabPolicyPlacement.Place(blueprint, DefaultModel.Create());
        var (reference, plan) = ReferencePlacement.Place(DefaultModel.Create());

        // One address plan: the lab gives every pod the address `netpol expect` and the hand-derived tables assume.
        Assert.Equal(reference.Pods.Select(p => $"{p.Id} {p.Ip}"), placed.Model.Pods.Select(p => $"{p.Id} {p.Ip}"));
        Assert.Equal(plan.Pods, placed.Addresses!.Pods);
        foreach (var pod in reference.Pods)
        {
            var labNode = placed.Addresses.PodNodes[pod.Id];
            Assert.Equal(plan.NodeRanges[plan.PodNodes[pod.Id]], placed.Addresses.NodeRanges[labNode]);
        }
    }

    [Fact]
    public void Place_IpBlockCase_ResolvesOnTheLabsNodeSubnets()
    {
        var blueprint = LabBlueprint.Create(TestSupport.Catalog["calico"], ClusterShape.Default with { Nodes = 3, PodsPerNode = 3 }, "cnb-3fa2");
        var placed = LabPolicyPlacement.Place(blueprint, DefaultModel.Create());
        var policies = NetworkPolicy.Policies.PolicyLoader.LoadPath(Path.Combine(TestSupport.RepositoryRoot(), "manifests", "netpol", "17-ipblock-multi-node.yaml")).Policies;

        var resolution = IpBlockPlaceholders.Resolve([.. policies.Select(p => p.Policy)], placed.Addresses!);

        var block = resolution.Policies[0].Spec.Ingress[0].FromProperty[0].IpBlock;
        Assert.Equal(("198.19.0.0/22", "198.19.3.0/24", "198.19.1.4/32"), (block.Cidr, block.Except[0], block.Except[1]));
    }
}
