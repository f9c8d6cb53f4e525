using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Tests.Catalog;

public sealed class CniDetectorTests
{
    private static IReadOnlyList<string> Detect(params ObservedDaemonSet[] daemonSets) =>
        CniDetector.Detect(CatalogTestSupport.Catalog.Manifests, daemonSets);

    [Fact]
    public void Detect_FlannelDaemonSet_FindsFlannel()
    {
        Assert.Equal(["flannel"], Detect(new("kube-flannel", "kube-flannel-ds"), new("kube-system", "kube-proxy")));
    }

    [Fact]
    public void Detect_CalicoNodeInOperatorNamespace_FindsCalico()
    {
        Assert.Equal(["calico"], Detect(new("calico-system", "calico-node"), new("calico-system", "csi-node-driver")));
    }

    [Fact]
    public void Detect_OnlyKubeProxy_FindsNothing()
    {
        Assert.Empty(Detect(new ObservedDaemonSet("kube-system", "kube-proxy")));
    }

    [Fact]
    public void Detect_DaemonSetInUnscannedNamespace_IsIgnored()
    {
        Assert.Empty(Detect(new ObservedDaemonSet("team-a", "cilium")));
    }

    [Fact]
    public void Decide_ExpectedCniRuns_DoesNothing()
    {
        var decision = CniDetector.Decide("cilium", Detect(new("kube-system", "cilium"), new("kube-system", "cilium-envoy")), "kind-cilium", mayInstall: false);

        Assert.Equal(InstallAction.None, decision.Action);
    }

    [Fact]
    public void Decide_OtherCniRuns_RefusesNamingBoth()
    {
        var decision = CniDetector.Decide("calico", Detect(new ObservedDaemonSet("kube-flannel", "kube-flannel-ds")), "prod", mayInstall: true);

        Assert.Equal(InstallAction.Refuse, decision.Action);
        Assert.Contains("expects calico", decision.Message, StringComparison.Ordinal);
        Assert.Contains("runs flannel", decision.Message, StringComparison.Ordinal);
        Assert.Contains("prod", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoCniAndNotDisposable_Refuses()
    {
        var decision = CniDetector.Decide("flannel", [], "shared", mayInstall: false);

        Assert.Equal(InstallAction.Refuse, decision.Action);
        Assert.Contains("disposable", decision.Message, StringComparison.Ordinal);
        Assert.Contains("--allow-install", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_NoCniAndDisposable_Installs()
    {
        Assert.Equal(InstallAction.Install, CniDetector.Decide("weavenet", [], "kind-weave", mayInstall: true).Action);
    }

    [Fact]
    public void NamespacesToScan_Catalog_CoversFlannelAndOperatorNamespaces()
    {
        Assert.Equal(["calico-system", "kube-flannel", "kube-system"], CniDetector.NamespacesToScan(CatalogTestSupport.Catalog.Manifests));
    }
}
