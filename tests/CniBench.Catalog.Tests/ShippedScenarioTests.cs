using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Ingress;

namespace CniBench.Catalog.Tests;

/// <summary>The scenarios this checkout ships (scenarios/*.yaml), read from disk against the catalogs it ships.</summary>
public sealed class ShippedScenarioTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, LocalScenarioFiles.Instance);

    [Theory]
    [InlineData("quick.yaml")]
    [InlineData("default.yaml")]
    [InlineData("kubernetes.yaml")]
    [InlineData("netpol.yaml")]
    [InlineData("nightly.yaml")]
    [InlineData("kubernetes-ingress.yaml")]
    [InlineData("noise.yaml")]
    public void LoadFile_ShippedScenarios_AreValid(string file)
    {
        // Every cni and cni+variant of the shipped catalog (default.yaml runs variants such as calico+wireguard).
        var cnis = ShippedCatalog.Cni.ClusterIds;
        var ingress = IngressCatalog.Load(RepoPaths.IngressManifests).Names;
        var spec = new ScenarioLoader(TestKinds.All, cnis, LocalScenarioFiles.Instance) { IngressControllers = ingress }.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", file));

        Assert.NotEmpty(spec.Tests);
    }

    [Fact]
    public void LoadFile_Noise_PinsBothToolsToOneCpuForFiveSecondRepetitions()
    {
        var scenario = Loader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "noise.yaml"));

        Assert.Equal((CpuPinningMode.Shared, 5, TimeSpan.FromSeconds(5)), (scenario.Lab.CpuPinning, scenario.Repetitions, Assert.Single(scenario.Tests).Duration));
    }

    [Fact]
    public void LoadFile_IngressScenario_PlansDirectAndThreeControllersOnTheIngressTopology()
    {
        var scenario = Loader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "ingress.yaml"));

        var test = Assert.Single(scenario.Tests);
        var ingress = Assert.IsType<IngressTestSpec>(test.Settings);
        Assert.Equal(["yarp", "nginx", "haproxy"], ingress.Controllers);
        Assert.Equal((1024L, "keepalive", TimeSpan.FromSeconds(8)), (ingress.PayloadBytes, ingress.ConnectionMode, ingress.Churn));
        Assert.Equal(TimeSpan.FromSeconds(3), test.Duration);
        var plan = RunPlanner.Create(scenario, "r");
        Assert.Equal(["flannel", "calico"], plan.Clusters);
        Assert.Equal(2 * 4 * 2, plan.Measurements.Count);
        Assert.All(plan.Measurements, m => Assert.Equal("ingress", m.Key.Topology));
        Assert.Equal(["direct", "yarp", "nginx", "haproxy"], plan.Measurements.Select(m => m.Key.Variant).Distinct());
    }

    [Fact]
    public void LoadFile_IngressTlsScenario_PlansSevenVariantsOnFlannel()
    {
        var scenario = Loader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "ingress-tls.yaml"));

        var plan = RunPlanner.Create(scenario, "r");
        Assert.Equal(["flannel"], plan.Clusters);
        Assert.Equal(7, plan.Measurements.Count);
        Assert.Equal(3, plan.Measurements.Count(m => m.Key.Variant.EndsWith(IngressTestSpec.TlsSuffix, StringComparison.Ordinal)));
        Assert.Equal(TimeSpan.FromSeconds(8), Assert.Single(scenario.Tests).SettingsAs<IngressTestSpec>().Churn);
    }
}
