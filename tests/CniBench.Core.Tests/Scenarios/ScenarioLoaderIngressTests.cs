using CniBench.Core.Planning;
using CniBench.Core.Scenarios;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderIngressTests
{
    private static readonly ScenarioLoader Loader = new(new HashSet<string> { "flannel", "calico" });

    [Fact]
    public void LoadFile_IngressScenario_PlansDirectAndThreeControllersOnTheIngressTopology()
    {
        var scenario = Loader.LoadFile(Path.Combine(RepoRoot(), "scenarios", "ingress.yaml"));

        var test = Assert.Single(scenario.Tests);
        var ingress = Assert.IsType<IngressTestSpec>(test.Ingress);
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
    public void Load_IngressWithBadValues_ReportsEveryError()
    {
        const string yaml = """
            name: x
            cnis: [calico]
            tests:
              - test: ingress
                controllers: [yarp, traefik]
                payload: lots
                connectionMode: sometimes
                churn: 2s
                duration: 1500ms
                threads: 8
                connections: 4
            """;

        var error = Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml"));

        Assert.Contains("unknown ingress controller 'traefik'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.payload", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.connectionMode 'sometimes'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.churn must be 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.duration must be whole seconds", error.Message, StringComparison.Ordinal);
        Assert.Contains("ingress.threads (8)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IngressWithoutDirectOrChurn_PlansOnlyTheControllers()
    {
        var scenario = Loader.Load("name: x\ncnis: [calico]\ntests: [{test: ingress, controllers: [nginx], direct: false, churn: 0s}]", "x.yaml");

        var test = Assert.Single(scenario.Tests);
        Assert.Equal(TimeSpan.Zero, test.Ingress!.Churn);
        Assert.Equal(["nginx"], RunPlanner.Variants(test).Select(v => v.Name));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no CniBench.sln above the test assembly");
    }
}
