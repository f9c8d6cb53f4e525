using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Http;

namespace CniBench.Core.Tests.Planning;

public sealed class RunPlannerHttpTests
{
    [Fact]
    public void Variants_TwoPayloadsTwoConnectionModesTwoLoadModes_NamesEveryCombinationSaturationFirst()
    {
        var test = new TestSpec
        {
            Test = "http",
            Settings = new HttpTestSpec { LoadModes = [HttpTestSpec.FixedRate, HttpTestSpec.Saturation], Connections = 16 },
        };

        var variants = RunPlanner.Variants(test);

        Assert.Equal(
            [
                "1KiB-keepalive-saturation", "1KiB-keepalive-fixed-rate", "1KiB-close-saturation", "1KiB-close-fixed-rate",
                "100KiB-keepalive-saturation", "100KiB-keepalive-fixed-rate", "100KiB-close-saturation", "100KiB-close-fixed-rate",
            ],
            variants.Select(v => v.Name));
        Assert.Equal(new HttpVariant(102_400, "close", "fixed-rate"), variants[^1].Parameters);
        Assert.All(variants, v => Assert.Equal(16, v.Streams));
    }

    [Fact]
    public void Create_HttpScenario_PlansSaturationOfEveryClusterBeforeItsFixedRateTwin()
    {
        var scenario = new ScenarioSpec
        {
            Name = "h",
            Cnis = ["calico", "flannel"],
            Repetitions = 1,
            Tests = [new TestSpec { Test = "http", Settings = new HttpTestSpec { PayloadsBytes = [1024], ConnectionModes = ["keepalive"] } }],
        };

        var plan = RunPlanner.Create(scenario, "run");

        var order = plan.Measurements.Select(m => m.Key).Where(k => k.Cni == "calico" && k.Topology == "same-node").Select(k => k.Variant).ToList();
        Assert.Equal(["1KiB-keepalive-saturation", "1KiB-keepalive-fixed-rate"], order);
        var lastSaturation = plan.Measurements.ToList().FindLastIndex(m => m.Key.Variant.EndsWith("saturation", StringComparison.Ordinal));
        var firstFixed = plan.Measurements.ToList().FindIndex(m => m.Key.Variant.EndsWith("fixed-rate", StringComparison.Ordinal));
        Assert.True(lastSaturation < firstFixed, "every saturation run precedes every fixed-rate run of the repetition");
        Assert.Contains(plan.Measurements, m => m.Key.Cni == "underlay" && m.Key.Topology == "cross-node");
    }
}
