using CniBench.Catalog;
using CniBench.Core.Clusters;

namespace CniBench.Lab.Tests;

/// <summary>The datapath fingerprint: which labs build the same kernel path apart from names (no root needed).</summary>
public sealed class LabBlueprintTests
{
    private static LabBlueprint Blueprint(string cluster, CniManifest? manifest = null)
    {
        var id = ClusterId.Parse(cluster);
        return LabBlueprint.Create(manifest ?? TestSupport.Catalog[id.Cni], ClusterShape.Default, "cnb-3fa2", id.Variant);
    }

    private static string Fingerprint(string cluster) => Blueprint(cluster).DatapathFingerprint;

    [Fact]
    public void DatapathFingerprint_CanalAndCilium_AreEqual()
    {
        // Routed /32 veths, a link-local gateway, VXLAN between nodes: only the device name (flannel.1, cilium_vxlan) and
        // the VNI (1, 256) differ.
        Assert.Equal(Fingerprint("canal"), Fingerprint("cilium"));
        Assert.Contains("attachment=routed;gateway=link-local;encapsulation=vxlan;pod_mtu=1450;encryption=none", Fingerprint("canal"), StringComparison.Ordinal);
    }

    [Fact]
    public void DatapathFingerprint_KubeRouterAndFlannelHostGw_DifferOnlyInPolicyEnforcement()
    {
        // Both build a per-node bridge with routes via the peers' node addresses; kube-router enforces NetworkPolicy and
        // flannel does not (manifests/cni/*.yaml policy:), so a netpol run takes different paths through the two.
        var kubeRouter = TestSupport.Catalog["kube-router"];

        Assert.NotEqual(Fingerprint("kube-router"), Fingerprint("flannel+host-gw"));
        Assert.Contains("policy=ingress+egress", Fingerprint("kube-router"), StringComparison.Ordinal);
        Assert.Contains("policy=none", Fingerprint("flannel+host-gw"), StringComparison.Ordinal);
        Assert.Equal(
            Fingerprint("kube-router"),
            Blueprint("flannel+host-gw", TestSupport.Catalog["flannel"] with { Policy = kubeRouter.Policy }).DatapathFingerprint);
    }

    [Theory]
    [InlineData("flannel", "calico")]
    [InlineData("flannel", "weavenet")]
    [InlineData("flannel", "canal")]
    [InlineData("calico+wireguard", "cilium+wireguard")]
    [InlineData("flannel+wireguard", "cilium+wireguard")]
    [InlineData("cilium", "cilium+ipsec")]
    [InlineData("calico", "calico+ipip")]
    public void DatapathFingerprint_DifferentPaths_Differ(string a, string b) =>
        Assert.NotEqual(Fingerprint(a), Fingerprint(b));

    [Fact]
    public void DatapathFingerprint_RepositoryCatalog_GroupsOnlyIdenticalPaths()
    {
        var groups = TestSupport.Catalog.ClusterIds
            .GroupBy(Fingerprint, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["calico = cilium+native-routing", "calico+vxlan = canal = cilium"], groups);
    }

    [Fact]
    public void DatapathFingerprint_NamesVniAndPort_LeftOut()
    {
        var flannel = TestSupport.Catalog["flannel"];
        var renamed = flannel with
        {
            Lab = flannel.Lab! with
            {
                Bridge = "br-other",
                Encapsulation = flannel.Lab.Encapsulation with { Device = "vx-other", Vni = 77, Port = 4789 },
            },
        };
        var thicker = flannel with { Lab = flannel.Lab with { Encapsulation = flannel.Lab.Encapsulation with { OverheadBytes = 60 } } };

        Assert.Equal(Fingerprint("flannel"), Blueprint("flannel", renamed).DatapathFingerprint);
        Assert.NotEqual(Fingerprint("flannel"), Blueprint("flannel", thicker).DatapathFingerprint);
    }

    [Fact]
    public async Task Facts_WireGuardImplementation_JoinsTheFingerprint()
    {
        var blueprint = Blueprint("calico+wireguard");
        var state = Path.Combine(Path.GetTempPath(), "cnibench-lab-tests", Guid.NewGuid().ToString("N"));
        var runner = new FakeProcessRunner(_ => throw new InvalidOperationException("a cluster's facts run nothing"));
        await using var cluster = new LabCluster(blueprint, [], runner, new LabStateStore(state), TimeProvider.System, persistent: true, keyRoot: state);
        Assert.Equal(blueprint.DatapathFingerprint, cluster.Facts[ClusterFactNames.DatapathFingerprint]);

        cluster.RecordImplementation("wireguard-go v0.0.20220316");

        Assert.Equal("wireguard-go v0.0.20220316", cluster.Facts[ClusterFactNames.Implementation]);
        Assert.Equal($"{blueprint.DatapathFingerprint};implementation=wireguard-go v0.0.20220316", cluster.Facts[ClusterFactNames.DatapathFingerprint]);
    }

    [Fact]
    public void DatapathFingerprint_Underlay_NamesNoCniModel() =>
        Assert.Equal("underlay;nodes=3;underlay_mtu=1500", LabBlueprint.Create(null, ClusterShape.Default, "cnb-3fa2").DatapathFingerprint);
}
