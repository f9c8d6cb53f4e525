using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Ingress;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderIngressTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

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
        Assert.Equal(TimeSpan.Zero, test.SettingsAs<IngressTestSpec>().Churn);
        Assert.Equal(["nginx"], RunPlanner.Variants(test).Select(v => v.Name));
    }

    private static readonly ScenarioLoader CatalogLoader = new(TestKinds.All, new HashSet<string> { "calico" }, InMemoryScenarioFiles.None)
    {
        IngressControllers = ["contour", "ingress-nginx", "yarp"],
    };

    private const string KubernetesHead = """
        name: k
        provider: kubernetes
        cnis: [calico]
        kubernetes:
          clusters:
            calico: { context: kind-calico }

        """;

    [Fact]
    public void Load_IngressOnKubernetes_NamesCatalogControllers()
    {
        var scenario = CatalogLoader.Load(KubernetesHead + "tests: [{test: ingress, controllers: [ingress-nginx, contour]}]", "k.yaml");

        Assert.Equal(["direct", "ingress-nginx", "contour"], RunPlanner.Variants(Assert.Single(scenario.Tests)).Select(v => v.Name));
    }

    [Fact]
    public void Load_LabControllerOnKubernetes_ListsTheCatalogAtItsLine()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            CatalogLoader.Load(KubernetesHead + "tests: [{test: ingress, controllers: [haproxy]}]", "k.yaml")).Errors);

        Assert.Equal((7, 39), (error.Line, error.Column));
        Assert.Equal("unknown ingress controller 'haproxy' for provider: kubernetes; the catalog (manifests/ingress/) has: contour, ingress-nginx, yarp", error.Message);
    }

    [Fact]
    public void Load_IngressOnKubernetesWithoutControllers_AsksForThem()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            CatalogLoader.Load(KubernetesHead + "tests: [{test: ingress}]", "k.yaml")).Errors);

        Assert.Contains("needs 'controllers:', naming catalog controllers", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CatalogControllerInTheLab_SaysItRunsOnKubernetes()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            CatalogLoader.Load("name: x\ncnis: [calico]\ntests: [{test: ingress, controllers: [contour]}]", "x.yaml")).Errors);

        Assert.Contains("unknown ingress controller 'contour'; expected one of: yarp, nginx, haproxy", error.Message, StringComparison.Ordinal);
        Assert.Contains("('contour' is a Kubernetes catalog controller: it runs with provider: kubernetes)", error.Message, StringComparison.Ordinal);
    }

}
