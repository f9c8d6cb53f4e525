using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Workloads;
using CniBench.NetworkPolicy.Model;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Workloads;

public sealed class TemplateWorkloadSetTests
{
    private const string RunId = "20261126T183000Z-3fa2";
    private const string Ns = "cnibench-3fa2";

    private static readonly KubernetesImagesSpec Images = new();

    private static WorkloadContext Context(params string[] nodes) => new(RunId, Ns, nodes, Images);

    private static IReadOnlyList<IKubernetesObject> Render(params string[] nodes) =>
        TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads).Objects(Context(nodes));

    [Fact]
    public void Objects_NoPodToleratesATaint_AsTheProviderPlacesPodsOnUntaintedNodesOnly()
    {
        // Before, the templates tolerated the control-plane taint (and said kind needed it as a third node) while the
        // provider never picks a tainted node (WorkloadNodes): the toleration promised a placement that never happens.
        var pods = Render("kind-worker", "kind-worker2").OfType<V1Pod>().ToList();

        Assert.NotEmpty(pods);
        Assert.All(pods, p => Assert.Empty(p.Spec.Tolerations ?? []));
    }

    [Fact]
    public void Objects_ThreeNodes_YieldsEveryKindAndCount()
    {
        var objects = Render("kind-control-plane", "kind-worker", "kind-worker2");

        Assert.Equal(1 + 3, objects.OfType<V1Namespace>().Count());
        Assert.Equal(3 * 2, objects.OfType<V1Pod>().Count(p => p.Metadata.Labels[KubeLabels.Role] == KubeLabels.Iperf3Role));
        Assert.Equal(2, objects.OfType<V1Pod>().Count(p => p.Metadata.Labels[KubeLabels.Role] == KubeLabels.HostNetworkRole));
        Assert.Equal(9, objects.OfType<V1Pod>().Count(p => p.Metadata.Labels[KubeLabels.Role] == WorkloadNames.NetpolRole));
        Assert.Equal(9, objects.OfType<V1Service>().Count());
        Assert.Equal(4 + 17 + 9, objects.Count);
    }

    [Fact]
    public void Objects_Always_NamespacesComeBeforeWhatLivesInThem()
    {
        var objects = Render("n1", "n2");

        var lastNamespace = objects.Select((o, i) => (o, i)).Last(t => t.o is V1Namespace).i;
        var firstOther = objects.Select((o, i) => (o, i)).First(t => t.o is not V1Namespace).i;
        Assert.True(lastNamespace < firstOther);
    }

    [Fact]
    public void Objects_Iperf3Pods_ArePinnedToTheirNodeByHostnameAffinity()
    {
        var nodes = new[] { "kind-control-plane", "kind-worker", "kind-worker2" };
        var pods = Render(nodes).OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] != WorkloadNames.NetpolRole).ToList();

        for (var node = 1; node <= nodes.Length; node++)
        {
            foreach (var name in new[] { WorkloadNames.Iperf3Pod(node, 1), WorkloadNames.Iperf3Pod(node, 2) })
            {
                Assert.Equal(nodes[node - 1], PinnedNode(pods.Single(p => p.Metadata.Name == name)));
            }
        }

        Assert.Equal(nodes[0], PinnedNode(pods.Single(p => p.Metadata.Name == WorkloadNames.UnderlayPod(1))));
        Assert.Equal(nodes[1], PinnedNode(pods.Single(p => p.Metadata.Name == WorkloadNames.UnderlayPod(2))));
    }

    [Fact]
    public void Objects_Iperf3Pods_HaveNamesLabelsImageAndStayAliveForExec()
    {
        var pods = Render("a", "b").OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] == KubeLabels.Iperf3Role).ToList();

        Assert.Equal(["cnb-n1-p1", "cnb-n1-p2", "cnb-n2-p1", "cnb-n2-p2"], pods.Select(p => p.Metadata.Name));
        Assert.All(pods, p =>
        {
            Assert.Equal(Ns, p.Metadata.NamespaceProperty);
            Assert.Equal(RunId, p.Metadata.Labels[KubeLabels.Run]);
            Assert.Equal(p.Metadata.Name, p.Metadata.Labels[WorkloadNames.PodLabel]);
            Assert.NotEqual(true, p.Spec.HostNetwork);
            var container = Assert.Single(p.Spec.Containers);
            Assert.Equal(KubernetesImagesSpec.DefaultIperf3, container.Image);
            Assert.Equal(["sleep", "infinity"], container.Command);
        });
    }

    [Fact]
    public void Objects_UnderlayPods_UseTheHostNetwork()
    {
        var pods = Render("a", "b", "c").OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] == KubeLabels.HostNetworkRole).ToList();

        Assert.Equal(["cnb-underlay-n1", "cnb-underlay-n2"], pods.Select(p => p.Metadata.Name));
        Assert.All(pods, p => Assert.True(p.Spec.HostNetwork));
    }

    [Fact]
    public void Objects_OneNode_HasNoUnderlayPodsAndNoIperf3Service()
    {
        var objects = Render("only");

        Assert.DoesNotContain(objects.OfType<V1Pod>(), p => p.Spec.HostNetwork == true);

        // The pod-to-service Service is created per measurement by the cluster, not rendered with the workloads.
        Assert.All(objects.OfType<V1Service>(), s => Assert.StartsWith("s-", s.Metadata.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void Objects_RunNamespace_IsLabelledWithTheRunId()
    {
        var ns = Render("a").OfType<V1Namespace>().Single(n => n.Metadata.Name == Ns);

        Assert.Equal(RunId, ns.Metadata.Labels[KubeLabels.Run]);
    }

    [Fact]
    public void Objects_PolicyModelNamespaces_AreRunScopedAndLabelledWithTheirModelName()
    {
        var namespaces = Render("a").OfType<V1Namespace>().Where(n => n.Metadata.Name != Ns).ToList();

        Assert.Equal(DefaultModel.NamespaceNames.Select(m => Ns + "-" + m), namespaces.Select(n => n.Metadata.Name));
        Assert.All(namespaces, n =>
        {
            Assert.Equal(n.Metadata.Name[^1..], n.Metadata.Labels[WorkloadNames.NetpolNamespaceLabel]);
            Assert.Equal(RunId, n.Metadata.Labels[KubeLabels.Run]);
        });
    }

    [Fact]
    public void Objects_AgnhostPods_ServeUpstreamNamedPortsFromOnePorterContainer()
    {
        var pods = Render("a").OfType<V1Pod>().Where(p => p.Metadata.Labels[KubeLabels.Role] == WorkloadNames.NetpolRole).ToList();
        var expectedPorts = DefaultModel.ServedPorts
            .SelectMany(port => DefaultModel.ServedProtocols.Select(protocol => (DefaultModel.PortName(port, protocol), port, protocol.ToWire())))
            .Order()
            .ToList();

        Assert.Equal(
            DefaultModel.NamespaceNames.SelectMany(n => DefaultModel.PodNames.Select(p => Ns + "-" + n + "/" + p)),
            pods.Select(p => p.Metadata.NamespaceProperty + "/" + p.Metadata.Name));
        Assert.All(pods, p =>
        {
            Assert.Equal(p.Metadata.Name, p.Metadata.Labels[WorkloadNames.NetpolPodLabel]);
            Assert.Equal(RunId, p.Metadata.Labels[KubeLabels.Run]);
            var container = Assert.Single(p.Spec.Containers);
            Assert.Equal(KubernetesImagesSpec.DefaultAgnhost, container.Image);
            Assert.Equal(["/agnhost", "porter"], container.Command);
            Assert.Equal(expectedPorts, container.Ports.Select(cp => (cp.Name, cp.ContainerPort, cp.Protocol)).Order());
            var modelId = p.Metadata.NamespaceProperty[^1..] + "/" + p.Metadata.Name;
            Assert.Equal(
                ["SERVE_TCP_PORT_80", "SERVE_TCP_PORT_81", "SERVE_UDP_PORT_80", "SERVE_UDP_PORT_81"],
                container.Env.Select(e => e.Name).Order(StringComparer.Ordinal));
            Assert.All(container.Env, e => Assert.Equal(modelId, e.Value));
        });
    }

    [Fact]
    public void Objects_AgnhostServices_FollowUpstreamNamingAndSelectTheirPod()
    {
        var services = Render("a").OfType<V1Service>().ToList();

        Assert.Equal(9, services.Count);
        Assert.All(services, s =>
        {
            var pod = s.Spec.Selector[WorkloadNames.NetpolPodLabel];
            Assert.Equal("s-" + s.Metadata.NamespaceProperty + "-" + pod, s.Metadata.Name);
            Assert.Equal(
                ["service-port-tcp-80", "service-port-tcp-81", "service-port-udp-80", "service-port-udp-81"],
                s.Spec.Ports.Select(p => p.Name).Order(StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Objects_ConfiguredImages_AreUsed()
    {
        var images = new KubernetesImagesSpec { Iperf3 = "registry.example/iperf3:1", Agnhost = "registry.example/agnhost:2" };
        var objects = TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads).Objects(new WorkloadContext(RunId, Ns, ["a", "b"], images));

        var imagesUsed = objects.OfType<V1Pod>().Select(p => Assert.Single(p.Spec.Containers).Image).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["registry.example/agnhost:2", "registry.example/iperf3:1"], imagesUsed);
    }

    [Fact]
    public void Objects_NodeNameNeedingQuotes_StaysOneValue()
    {
        var pods = Render("node: [x]", "#2").OfType<V1Pod>();

        Assert.Equal("node: [x]", PinnedNode(pods.Single(p => p.Metadata.Name == "cnb-n1-p1")));
        Assert.Equal("#2", PinnedNode(pods.Single(p => p.Metadata.Name == "cnb-n2-p2")));
    }

    [Theory]
    [InlineData("", Ns, "run id ''")]
    [InlineData("bad run id", Ns, "run id 'bad run id'")]
    [InlineData(RunId, "Upper", "namespace 'Upper'")]
    [InlineData(RunId, "a-namespace-name-that-is-long-enough-to-break-the-service-names", "namespace 'a-namespace")]
    public void Objects_BadContext_SaysWhatIsWrong(string runId, string ns, string expected)
    {
        var set = TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads);

        var ex = Assert.Throws<WorkloadTemplateException>(() => set.Objects(new WorkloadContext(runId, ns, ["a"], Images)));

        Assert.StartsWith(expected, Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Objects_NoOrDuplicateNodes_AreRejected()
    {
        var set = TemplateWorkloadSet.Load(WorkloadTestPaths.Workloads);

        Assert.Contains("at least one node", Assert.Throws<WorkloadTemplateException>(() => set.Objects(Context())).Message, StringComparison.Ordinal);
        Assert.Contains("distinct", Assert.Throws<WorkloadTemplateException>(() => set.Objects(Context("a", "a"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTexts_UnknownPlaceholderInATemplate_FailsBeforeRendering()
    {
        var texts = ShippedTexts();
        texts[TemplateWorkloadSet.Iperf3PodFile] = texts[TemplateWorkloadSet.Iperf3PodFile].Replace("{{nodeName}}", "{{node}}", StringComparison.Ordinal);
        texts[TemplateWorkloadSet.RunNamespaceFile] += "  annotations:\n    x: {{netpolPod}}\n";

        var ex = Assert.Throws<WorkloadTemplateException>(() => TemplateWorkloadSet.FromTexts(texts));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("iperf3-pod.yaml:", StringComparison.Ordinal) && e.Contains("unknown placeholder '{{node}}'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("run-namespace.yaml:", StringComparison.Ordinal) && e.Contains("unknown placeholder '{{netpolPod}}'", StringComparison.Ordinal));
    }

    [Fact]
    public void FromTexts_TemplateWithMistypedField_FailsWhenRendered()
    {
        var texts = ShippedTexts();
        texts[TemplateWorkloadSet.RunNamespaceFile] = texts[TemplateWorkloadSet.RunNamespaceFile].Replace("labels:", "lables:", StringComparison.Ordinal);
        var set = TemplateWorkloadSet.FromTexts(texts);

        var ex = Assert.Throws<WorkloadTemplateException>(() => set.Objects(Context("a")));

        Assert.StartsWith("run-namespace.yaml: the rendered template is not valid Kubernetes YAML", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFolderOrFile_SaysWhich()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-workloads-");
        try
        {
            foreach (var (file, text) in ShippedTexts().Where(t => t.Key != TemplateWorkloadSet.AgnhostPodFile))
            {
                File.WriteAllText(Path.Combine(dir.FullName, file), text);
            }

            var ex = Assert.Throws<WorkloadTemplateException>(() => TemplateWorkloadSet.Load(dir.FullName));
            Assert.Equal(Path.Combine(dir.FullName, "agnhost-pod.yaml") + ": missing workload template", Assert.Single(ex.Errors));
            Assert.Contains("does not exist", Assert.Throws<WorkloadTemplateException>(() => TemplateWorkloadSet.Load(Path.Combine(dir.FullName, "nope"))).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void ToYaml_Objects_RoundTripThroughKubernetesYaml()
    {
        var objects = Render("a", "b", "c");

        var yaml = TemplateWorkloadSet.ToYaml(objects);
        var again = KubernetesYaml.LoadAllFromString(yaml);

        Assert.Equal(objects.Select(o => o.GetType()), again.Select(o => o.GetType()));
        Assert.Equal(objects.Select(Key), again.Cast<IKubernetesObject>().Select(Key));
        Assert.Equal(yaml, TemplateWorkloadSet.ToYaml(again.Cast<IKubernetesObject>()));
    }

    private static string Key(IKubernetesObject o) =>
        o.Kind + "/" + ((IMetadata<V1ObjectMeta>)o).Metadata.NamespaceProperty + "/" + ((IMetadata<V1ObjectMeta>)o).Metadata.Name;

    private static string PinnedNode(V1Pod pod)
    {
        var term = Assert.Single(pod.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms);
        var expression = Assert.Single(term.MatchExpressions);
        Assert.Equal("kubernetes.io/hostname", expression.Key);
        Assert.Equal("In", expression.OperatorProperty);
        return Assert.Single(expression.Values);
    }

    private static Dictionary<string, string> ShippedTexts() =>
        TemplateWorkloadSet.TemplatePlaceholders.Keys.ToDictionary(
            f => f, f => File.ReadAllText(Path.Combine(WorkloadTestPaths.Workloads, f)), StringComparer.Ordinal);
}
