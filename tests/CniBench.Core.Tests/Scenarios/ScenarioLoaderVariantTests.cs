using CniBench.Core.Scenarios;
using CniBench.Runs;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderVariantTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "calico", "calico+wireguard", "calico+vxlan", "kube-router" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_OfferedVariant_IsAClusterOfItsOwn()
    {
        var spec = Loader.Load("name: x\ncnis: [calico, calico+wireguard]\ntests: [{ test: tcp }]\n", "x.yaml");

        Assert.Equal(["calico", "calico+wireguard"], spec.Cnis);
    }

    [Fact]
    public void Load_VariantTheCniDoesNotOffer_NamesItAndWhereBeforeAnythingStarts()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load("name: x\ncnis: [calico, kube-router+wireguard]\ntests: [{ test: tcp }]\n", "x.yaml")).Errors);

        Assert.Equal(("x.yaml", 2, 16), (error.File, error.Line, error.Column));
        Assert.Contains("kube-router offers no variant 'wireguard'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownVariantOfCniWithVariants_ListsTheOffered()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load("name: x\ncnis: [calico+ipsec]\ntests: [{ test: tcp }]\n", "x.yaml")).Errors);

        Assert.Contains("its variants are: vxlan, wireguard", error.Message, StringComparison.Ordinal);
    }
}
