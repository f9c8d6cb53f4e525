using CniBench.Catalog;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Preflight;
using CniBench.Kubernetes.Tests.Workloads;

namespace CniBench.Kubernetes.Tests.Preflight;

public sealed class PreflightNeedsTests
{
    private static readonly IngressCatalog Ingress = IngressCatalog.Load(Path.Combine(WorkloadTestPaths.Root, "manifests", "ingress"));

    [Fact]
    public void For_VariantWithAKeyOnADisposableCluster_NeedsItsSecretNamespaceAndHelm()
    {
        var needs = PreflightNeeds.For(
            "cilium+ipsec", new KubernetesSpec(), new KubernetesClusterSpec { Context = "c", Disposable = true }, ScenarioUse.WithoutScenario, PreflightHarness.Catalog, Ingress, allowInstall: false);

        Assert.Equal("cilium", needs.Cni);
        Assert.Equal("kube-system", needs.SecretNamespace);
        Assert.True(needs.MayInstall);
        Assert.StartsWith("installing cilium (chart cilium ", needs.HelmNeededFor, StringComparison.Ordinal);
        Assert.Contains(RunPermissions.For(needs), p => p is { Spelled: "create secrets", Scope: PermissionScope.SecretNamespace });
    }

    [Fact]
    public void For_IngressTestWithContourAndYarp_ChecksTheirNamespacesWorkloadsAndTheYarpImage()
    {
        var spec = new KubernetesSpec();
        var use = new ScenarioUse(NetworkPolicies: false, Ingress: true, IngressTls: false, IngressControllers: ["contour", "yarp", "nginx"]);

        var needs = PreflightNeeds.For("flannel", spec, new KubernetesClusterSpec { Context = "c" }, use, PreflightHarness.Catalog, Ingress, allowInstall: false);

        Assert.Equal(["cnibench-ingress", "projectcontour"], needs.IngressNamespaces);
        Assert.Equal([spec.Images.Iperf3, spec.Images.Agnhost, spec.Images.YarpIngress], needs.Images);
        Assert.Contains(needs.ReadinessWorkloads, w => w is { Kind: WorkloadKind.DaemonSet, Namespace: "projectcontour", Name: "envoy" });
        Assert.Contains(needs.ReadinessWorkloads, w => w is { Kind: WorkloadKind.DaemonSet, Namespace: "kube-flannel" });
        Assert.Null(needs.HelmNeededFor);
    }

    [Fact]
    public async Task PermissionCheck_ReadinessWorkloads_AreAskedInTheirOwnNamespacesOnly()
    {
        await using var harness = await PreflightHarness.StartAsync();
        var use = new ScenarioUse(NetworkPolicies: false, Ingress: true, IngressTls: false, IngressControllers: ["contour"]);
        var needs = PreflightNeeds.For("flannel", new KubernetesSpec(), new KubernetesClusterSpec { Context = "c" }, use, PreflightHarness.Catalog, Ingress, allowInstall: false);

        await PermissionCheck.RunAsync(harness.Server.Client(), "fake", needs, "cnibench-0001", TestContext.Current.CancellationToken);

        var asked = harness.Server.AccessReviews.ToList();
        Assert.Equal(["get daemonsets kube-flannel", "get daemonsets projectcontour"], asked.Where(a => a.StartsWith("get daemonsets", StringComparison.Ordinal)));
        Assert.Equal(["get deployments projectcontour"], asked.Where(a => a.StartsWith("get deployments", StringComparison.Ordinal)));
        Assert.Contains("get pods/log projectcontour", asked);
    }
}
