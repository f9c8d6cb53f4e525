using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Ingress;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderIngressTlsTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_IngressWithTls_PlansTheTlsVariantsAfterThePlainOnesAndDirectStaysPlain()
    {
        var scenario = Loader.Load("name: x\ncnis: [flannel]\ntests: [{test: ingress, controllers: [yarp, nginx, haproxy], tls: true}]", "x.yaml");

        var test = Assert.Single(scenario.Tests);
        Assert.True(test.SettingsAs<IngressTestSpec>().Tls);
        Assert.Equal(
            ["direct", "yarp", "nginx", "haproxy", "yarp-tls", "nginx-tls", "haproxy-tls"],
            RunPlanner.Variants(test).Select(v => v.Name));
    }

    [Fact]
    public void Load_IngressWithoutTls_DefaultsToPlainVariantsOnly()
    {
        var scenario = Loader.Load("name: x\ncnis: [flannel]\ntests: [{test: ingress, controllers: [nginx], direct: false}]", "x.yaml");

        var test = Assert.Single(scenario.Tests);
        Assert.False(test.SettingsAs<IngressTestSpec>().Tls);
        Assert.Equal(["nginx"], RunPlanner.Variants(test).Select(v => v.Name));
    }

    [Fact]
    public void Load_IngressTlsNotABoolean_ReportsFileLineAndColumn()
    {
        const string yaml = """
            name: x
            cnis: [flannel]
            tests:
              - test: ingress
                tls: sometimes
            """;

        var error = Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml"));

        Assert.Contains("x.yaml:5:10", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.tls: expected true or false, found 'sometimes'", error.Message, StringComparison.Ordinal);
    }
}
