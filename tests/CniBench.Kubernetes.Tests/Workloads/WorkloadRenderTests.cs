using CniBench.Catalog;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Workloads;
using k8s;
using k8s.Models;
using CniBench.Runs;

namespace CniBench.Kubernetes.Tests.Workloads;

public sealed class WorkloadRenderTests
{
    private const string RunId = "20261126T183000Z-00ff";

    public static TheoryData<string> CatalogCnis()
    {
        var data = new TheoryData<string>();
        foreach (var name in CniCatalog.Load(WorkloadTestPaths.Cni).Names.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CatalogCnis))]
    public void Render_EveryCatalogCni_YieldsYamlThatRoundTripsIntoTheExpectedKindsAndCounts(string cni)
    {
        var catalog = CniCatalog.Load(WorkloadTestPaths.Cni);
        var scenario = LoadScenario(catalog, nodes: 3);

        var rendered = WorkloadRender.Render(TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads), scenario, cni, RunId);
        var yaml = rendered.ToYaml();
        var objects = KubernetesYaml.LoadAllFromString(yaml, typeMap: null, strict: true);

        Assert.StartsWith($"# cnibench render: cni {cni}, run {RunId}, namespace cnibench-00ff, 30 objects\n", yaml, StringComparison.Ordinal);
        Assert.Equal(4, objects.OfType<V1Namespace>().Count());
        Assert.Equal(6 + 2 + 9, objects.OfType<V1Pod>().Count());
        Assert.Equal(9, objects.OfType<V1Service>().Count());
        Assert.Equal(30, objects.Count);
        Assert.Equal(30, yaml.Split('\n').Count(l => l == "---"));
        Assert.Equal(["node-1", "node-2", "node-3"], rendered.Context.NodeNames);
    }

    [Fact]
    public void Render_ScenarioImages_ReachThePods()
    {
        var catalog = CniCatalog.Load(WorkloadTestPaths.Cni);
        var scenario = LoadScenario(catalog, nodes: 2, images: "  images:\n    iperf3: example/iperf3:3.20\n");

        var rendered = WorkloadRender.Render(TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads), scenario, scenario.Cnis[0], RunId);

        Assert.All(rendered.Objects.OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] == KubeLabels.Iperf3Role),
            p => Assert.Equal("example/iperf3:3.20", p.Spec.Containers[0].Image));
        Assert.All(rendered.Objects.OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] == "netpol"),
            p => Assert.Equal(KubernetesImagesSpec.DefaultAgnhost, p.Spec.Containers[0].Image));
    }

    [Fact]
    public void Render_CniNotInScenario_IsRejected()
    {
        var catalog = CniCatalog.Load(WorkloadTestPaths.Cni);
        var scenario = LoadScenario(catalog, nodes: 2);

        var ex = Assert.Throws<ArgumentException>(() => WorkloadRender.Render(TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads), scenario, "nosuchcni", RunId));

        Assert.Contains("does not run CNI 'nosuchcni'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KubernetesScenario_WhenCatalogHasAllSix_LoadsWithOneDisposableKindContextPerCni()
    {
        var catalog = CniCatalog.Load(WorkloadTestPaths.Cni);
        string[] six = ["calico", "canal", "cilium", "flannel", "kube-router", "weavenet"];
        if (!six.All(catalog.Names.Contains))
        {
            Assert.Skip($"manifests/cni has only {string.Join(", ", catalog.Names.Order(StringComparer.Ordinal))}; scenarios/kubernetes.yaml names all six");
        }

        var scenario = new ScenarioLoader(TestKinds.All, catalog.Names, LocalScenarioFiles.Instance).LoadFile(Path.Combine(WorkloadTestPaths.Scenarios, "kubernetes.yaml"));

        Assert.Equal("kubernetes", scenario.Provider);
        Assert.Equal(six, scenario.Cnis);
        var clusters = scenario.Kubernetes!.Clusters;
        Assert.All(six, cni =>
        {
            var cluster = clusters[cni];
            Assert.Equal("kind-cnibench-" + cni, cluster.Context);
            Assert.True(cluster.Disposable);
            Assert.Equal("scripts/provision/kind/create.sh {cni} {podCidr}", cluster.Provision);
            Assert.Equal("scripts/provision/kind/destroy.sh {cni}", cluster.Destroy);
        });
        Assert.Equal(["tcp", "tcp", "udp", "udp", "http", "rr", "crr", "mtu"], scenario.Tests.Select(t => t.Test));
        foreach (var cni in six)
        {
            var rendered = WorkloadRender.Render(TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads), scenario, cni, RunId);
            Assert.Equal(30, KubernetesYaml.LoadAllFromString(rendered.ToYaml()).Count);
        }
    }

    [Fact]
    public void KubernetesScenario_Tests_AreThoseOfDefaultScenario()
    {
        var kubernetes = File.ReadAllText(Path.Combine(WorkloadTestPaths.Scenarios, "kubernetes.yaml"));
        var defaults = File.ReadAllText(Path.Combine(WorkloadTestPaths.Scenarios, "default.yaml"));

        Assert.Equal(defaults[defaults.IndexOf("\ntests:", StringComparison.Ordinal)..], kubernetes[kubernetes.IndexOf("\ntests:", StringComparison.Ordinal)..]);
    }

    private static ScenarioSpec LoadScenario(CniCatalog catalog, int nodes, string images = "")
    {
        var names = catalog.Names.Order(StringComparer.Ordinal).ToList();
        var clusters = string.Concat(names.Select(n => $"    {n}:\n      context: kind-cnibench-{n}\n      disposable: true\n"));
        var text = $"""
            name: render-test
            provider: kubernetes
            cnis: [{string.Join(", ", names)}]
            lab:
              nodes: {nodes}
            kubernetes:
            {images}  clusters:
            {clusters}tests:
              - test: tcp
                duration: 1s
            """;
        var path = Path.Combine(Path.GetTempPath(), $"cnb-render-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        try
        {
            return new ScenarioLoader(TestKinds.All, catalog.Names, LocalScenarioFiles.Instance).LoadFile(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
