using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Mtu;

namespace CniBench.Core.Tests.Planning;

public sealed class RunPlannerMtuTests
{
    private static ScenarioSpec Scenario(params string[] topologies) => new()
    {
        Name = "m",
        Cnis = ["flannel", "calico"],
        Repetitions = 2,
        Tests = [new TestSpec { Test = "mtu", Topologies = topologies, Settings = new MtuTestSpec() }],
    };

    [Fact]
    public void Variants_Mtu_IsTheSingleDfProbe()
    {
        var variant = Assert.Single(RunPlanner.Variants(new TestSpec { Test = "mtu", Settings = new MtuTestSpec() }));

        Assert.Equal(new TestVariant("df-probe", 1), variant);
    }

    [Fact]
    public void Create_MtuCrossNode_MeasuresUnderlayAndEveryCniEachRepetition()
    {
        var plan = RunPlanner.Create(Scenario("cross-node"), "r1");

        Assert.Equal(["underlay", "flannel", "calico"], plan.Clusters);
        Assert.Equal(
            ["underlay#1", "flannel#1", "calico#1", "underlay#2", "flannel#2", "calico#2"],
            plan.Measurements.Select(m => $"{m.Key.Cni}#{m.Key.Repetition}"));
        Assert.All(plan.Measurements, m => Assert.Equal(("mtu", "df-probe", "cross-node"), (m.Key.Test, m.Key.Variant, m.Key.Topology)));
    }

    [Fact]
    public void Create_MtuSameNode_LeavesTheUnderlayOut()
    {
        var plan = RunPlanner.Create(Scenario("same-node", "cross-node"), "r1");

        Assert.DoesNotContain(plan.Measurements, m => m.Key.Cni == "underlay" && m.Key.Topology == "same-node");
        // 2 repetitions × (same-node: 2 CNIs + cross-node: underlay and 2 CNIs).
        Assert.Equal(10, plan.Measurements.Count);
    }
}
