using CniBench.Catalog;
using CniBench.Core.Clusters;

namespace CniBench.Lab.Tests;

/// <summary>Variants in the catalog and the commands the lab renders for them (no root needed).</summary>
public sealed class LabVariantTests
{
    private static readonly ClusterShape Shape = ClusterShape.Default;

    private static LabBlueprint Blueprint(string cluster)
    {
        var id = ClusterId.Parse(cluster);
        return LabBlueprint.Create(TestSupport.Catalog[id.Cni], Shape, "cnb-3fa2", id.Variant);
    }

    private static IReadOnlyList<string> NodeLines(LabBlueprint b, int node) =>
        LabScript.Up(b).Phases[1].Single(batch => batch.Namespace == b.Nodes[node - 1].Namespace).Lines;

    [Fact]
    public void ClusterIds_RepositoryCatalog_ListsEachCniAndOnlyTheVariantsUpstreamOffers()
    {
        Assert.Equal(
            [
                "calico", "calico+ipip", "calico+vxlan", "calico+wireguard", "canal", "cilium", "cilium+ipsec", "cilium+native-routing",
                "cilium+wireguard", "flannel", "flannel+host-gw", "flannel+wireguard", "kube-router", "weavenet", "weavenet+ipsec",
            ],
            TestSupport.Catalog.ClusterIds);
        Assert.Empty(TestSupport.Catalog["kube-router"].Variants);
        Assert.Empty(TestSupport.Catalog["canal"].Variants);
    }

    [Fact]
    public void Variants_RepositoryCatalog_HaveSourcesLabModelsAndMatchKubernetesEncryptionNames()
    {
        foreach (var manifest in TestSupport.Catalog.Manifests)
        {
            Assert.All(manifest.Variants, v => Assert.NotEmpty(v.Sources));
            Assert.All(manifest.Variants, v => Assert.NotNull(v.Lab));
            Assert.All(manifest.Variants.Where(v => v.Kind == VariantKind.Encryption), v => Assert.NotNull(v.Lab!.Encryption));
            foreach (var encryption in manifest.Kubernetes?.Encryption ?? [])
            {
                var variant = manifest.Variant(encryption.Name);
                Assert.True(variant is { Kind: VariantKind.Encryption }, $"{manifest.Name}: kubernetes.encryption '{encryption.Name}' has no encryption variant of that name");
            }
        }
    }

    [Theory]
    [InlineData("calico+wireguard", "wireguard.cali", 51820, 1440)]
    [InlineData("flannel+wireguard", "flannel-wg", 51820, 1420)]
    [InlineData("cilium+wireguard", "cilium_wg0", 51871, 1420)]
    public void Variant_WireGuard_MergesEncryptionOverBaseModelWithoutTunnel(string cluster, string device, int port, int podMtu)
    {
        var id = ClusterId.Parse(cluster);
        var model = TestSupport.Catalog[id.Cni].Variant(id.Variant!)!.Lab!;

        Assert.Equal((EncryptionType.WireGuard, device, port), (model.Encryption!.Type, model.Encryption.Device, model.Encryption.Port));
        Assert.Equal(EncapsulationType.None, model.Encapsulation.Type);
        Assert.Equal(TestSupport.Catalog[id.Cni].Lab!.Attachment, model.Attachment);
        Assert.Equal(podMtu, model.PodMtu(1500));
    }

    [Theory]
    [InlineData("calico+ipip", 1480)]
    [InlineData("calico+vxlan", 1450)]
    [InlineData("flannel+host-gw", 1500)]
    [InlineData("cilium+native-routing", 1500)]
    [InlineData("cilium+ipsec", 1373)]
    [InlineData("weavenet+ipsec", 1376)]
    public void Create_Variant_PodMtuIsUnderlayMinusItsOverheads(string cluster, int podMtu)
    {
        Assert.Equal(podMtu, Blueprint(cluster).PodMtu);
    }

    [Fact]
    public void Create_CalicoWireGuard_NamesLabWithVariantTagAndHostUniqueDevices()
    {
        var b = Blueprint("calico+wireguard");

        Assert.Equal("calico+wireguard", b.Cni);
        Assert.Equal("cnb-3fa2-calico.wg", b.Lab);
        Assert.Equal("cnb-3fa2-calico.wg-n1", b.Nodes[0].Namespace);
        Assert.Equal("cnb-3fa2-calico.wg-n2-p1", b.Pods.Single(p => p.Name == "n2-p1").Namespace);
        Assert.All(b.Namespaces, ns => Assert.True(LabNames.BelongsTo(ns, "cnb-3fa2"), ns));
        // The CNI's default lab of the same run must not claim the variant's namespaces (lab down cnb-3fa2-calico).
        Assert.All(b.Namespaces, ns => Assert.False(LabNames.BelongsTo(ns, "cnb-3fa2-calico"), ns));
        var devices = b.Nodes.Select(n => n.WireGuardDevice!).ToList();
        Assert.Equal(3, devices.Distinct(StringComparer.Ordinal).Count());
        Assert.All(devices, d => Assert.InRange(d.Length, 1, 15));
        Assert.NotEqual(devices[0], LabBlueprint.Create(TestSupport.Catalog["calico"], Shape, "cnb-3fa3", "wireguard").Nodes[0].WireGuardDevice);
        Assert.Contains("wireguard (as wireguard.cali, port 51820)", b.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DefaultMode_HasNoWireGuardDevices()
    {
        Assert.All(Blueprint("calico").Nodes, n => Assert.Null(n.WireGuardDevice));
        Assert.Equal("cnb-3fa2-calico", Blueprint("calico").Lab);
    }

    [Fact]
    public void Create_UnknownVariant_ThrowsListingTheOffered()
    {
        var ex = Assert.Throws<ArgumentException>(() => LabBlueprint.Create(TestSupport.Catalog["flannel"], Shape, "cnb-3fa2", "ipsec"));

        Assert.Contains("flannel offers no variant 'ipsec'; it offers: wireguard, host-gw", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_WireGuardVariant_NodeRoutesPeersOnlyThroughTheWireGuardDevice()
    {
        var b = Blueprint("calico+wireguard");
        var node1 = b.Nodes[0];

        Assert.DoesNotContain(NodeLines(b, 1), l => l.StartsWith("route add 198.19.2.0/24", StringComparison.Ordinal));
        Assert.Equal(
            [
                $"link set {node1.WireGuardDevice} mtu 1440 up",
                $"addr add 198.19.1.0/32 dev {node1.WireGuardDevice}",
                $"route add 198.19.2.0/24 dev {node1.WireGuardDevice} scope link",
                $"route add 198.19.3.0/24 dev {node1.WireGuardDevice} scope link",
            ],
            LabScript.WireGuardRoutes(b, node1).Lines);
        Assert.Equal(node1.Namespace, LabScript.WireGuardRoutes(b, node1).Namespace);
        Assert.Equal([$"link add {node1.WireGuardDevice} type wireguard"], LabScript.WireGuardDevice(node1).Lines);
    }

    [Fact]
    public void WireGuardPeers_ThreeNodes_KeyFileAndEveryOtherNodeAsPeerWithItsPodSubnet()
    {
        var b = Blueprint("cilium+wireguard");
        var keys = new Dictionary<int, string> { [1] = "PUB1=", [2] = "PUB2=", [3] = "PUB3=" };

        var arguments = LabScript.WireGuardPeers(b, b.Nodes[1], "/run/cnibench/keys/lab/n2.key", keys);

        Assert.Equal(
            [
                "set", b.Nodes[1].WireGuardDevice!, "listen-port", "51871", "private-key", "/run/cnibench/keys/lab/n2.key",
                "peer", "PUB1=", "endpoint", "198.18.0.11:51871", "allowed-ips", "198.19.1.0/24",
                "peer", "PUB3=", "endpoint", "198.18.0.13:51871", "allowed-ips", "198.19.3.0/24",
            ],
            arguments);
    }

    [Fact]
    public void Up_CalicoIpip_ConfiguresFallbackTunnelAndOnlinkRoutesViaPeers()
    {
        var lines = NodeLines(Blueprint("calico+ipip"), 2);

        Assert.DoesNotContain(lines, l => l.StartsWith("link add tunl0", StringComparison.Ordinal));
        Assert.Contains("link set tunl0 mtu 1480 up", lines);
        Assert.Contains("addr add 198.19.2.0/32 dev tunl0", lines);
        Assert.Contains("route add 198.19.1.0/24 via 198.18.0.11 dev tunl0 onlink", lines);
        Assert.Contains("route add 198.19.3.0/24 via 198.18.0.13 dev tunl0 onlink", lines);
        Assert.DoesNotContain(lines, l => l.Contains("dev eth0", StringComparison.Ordinal) && l.StartsWith("route add 198.19.", StringComparison.Ordinal));
    }

    [Fact]
    public void Up_CalicoVxlan_BuildsVxlanCalicoWithItsVniAndPort()
    {
        var b = Blueprint("calico+vxlan");
        var lines = NodeLines(b, 1);

        Assert.Contains(lines, l => l.StartsWith("link add vxlan.calico ", StringComparison.Ordinal) && l.Contains(" id 4096 ", StringComparison.Ordinal) && l.Contains(" dstport 4789 ", StringComparison.Ordinal));
        Assert.Contains("route add 198.19.2.0/24 via 198.19.2.0 dev vxlan.calico onlink", lines);
        Assert.Equal(3, LabScript.Up(b).Phases.Count);
    }

    [Theory]
    [InlineData("flannel+host-gw", "cni0")]
    [InlineData("cilium+native-routing", null)]
    public void Up_RoutedVariants_NoTunnelAndPeerSubnetsViaPeerNodeAddress(string cluster, string? bridge)
    {
        var b = Blueprint(cluster);
        var lines = NodeLines(b, 1);

        Assert.DoesNotContain(lines, l => l.Contains("type vxlan", StringComparison.Ordinal));
        Assert.Contains("route add 198.19.2.0/24 via 198.18.0.12 dev eth0", lines);
        Assert.Equal(bridge is not null, lines.Contains($"link add {bridge} mtu 1500 type bridge"));
        Assert.Equal(2, LabScript.Up(b).Phases.Count);
    }

    [Fact]
    public void Unsupported_KernelWithoutIpipOrEsp_NamesTheMissingFeature()
    {
        var none = new KernelFeatures(Ipip: false, WireGuard: false, Esp: false);
        var calico = TestSupport.Catalog["calico"];
        var cilium = TestSupport.Catalog["cilium"];

        Assert.Equal(
            "calico+ipip: this kernel cannot create ipip devices (module ipip / CONFIG_NET_IPIP missing)",
            LabSupportCheck.Unsupported(new ClusterId("calico", "ipip"), calico.Variant("ipip")!.Lab!, none));
        Assert.Contains("kernel has no ESP (esp4 / CONFIG_INET_ESP", LabSupportCheck.Unsupported(new ClusterId("cilium", "ipsec"), cilium.Variant("ipsec")!.Lab!, none), StringComparison.Ordinal);
        Assert.Null(LabSupportCheck.Unsupported(new ClusterId("calico", "wireguard"), calico.Variant("wireguard")!.Lab!, none));
        Assert.Null(LabSupportCheck.Unsupported(new ClusterId("calico", "ipip"), calico.Variant("ipip")!.Lab!, none with { Ipip = true }));
    }

    [Fact]
    public void WireGuardDevice_SameNamespace_SameNameAndShortEnough()
    {
        Assert.Equal(LabNames.WireGuardDevice("cnb-3fa2-calico.wg-n1"), LabNames.WireGuardDevice("cnb-3fa2-calico.wg-n1"));
        Assert.Matches("^cnbwg[0-9a-f]{8}$", LabNames.WireGuardDevice("cnb-3fa2-calico.wg-n1"));
    }
}
