using System.Net;
using System.Text.RegularExpressions;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Processes;

namespace CniBench.Lab.Tests;

public sealed partial class LabScriptTests
{
    private static readonly ClusterShape Shape = ClusterShape.Default;

    private static LabBlueprint Flannel => Model("flannel");

    private static LabBlueprint Calico => Model("calico");

    private static LabBlueprint Model(string cni) => LabBlueprint.Create(TestSupport.Catalog[cni], Shape, "cnb-3fa2");

    private static LabBlueprint ModelWithUnderlayMtu(string cni, int underlayMtu) => LabBlueprint.Create(TestSupport.Catalog[cni], Shape with { UnderlayMtu = underlayMtu }, "cnb-3fa2");

    [Fact]
    public void Create_Flannel_NamesEverythingFromRunPrefixAndCni()
    {
        var b = Flannel;

        Assert.Equal("cnb-3fa2-flannel", b.Lab);
        Assert.Equal("cnb-3fa2-flannel-sw", b.SwitchNamespace);
        Assert.Equal(["n1", "n2", "n3"], b.Nodes.Select(n => n.Name));
        Assert.Equal("cnb-3fa2-flannel-n2", b.Nodes[1].Namespace);
        Assert.Equal(IPAddress.Parse("198.18.0.12"), b.Nodes[1].Address);
        var pod = b.Pods.Single(p => p.Name == "n2-p2");
        Assert.Equal("cnb-3fa2-flannel-n2-p2", pod.Namespace);
        Assert.Equal("n2", pod.NodeName);
        Assert.Equal(IPAddress.Parse("198.19.2.3"), pod.Address);
        Assert.Equal(1 + 3 + 6, b.Namespaces.Count);
        Assert.All(b.Namespaces, ns => Assert.StartsWith("cnb-3fa2-flannel-", ns, StringComparison.Ordinal));
        Assert.Equal(1450, b.PodMtu);
    }

    [Fact]
    public void Create_Underlay_HasNodesAndSwitchButNoPods()
    {
        var b = LabBlueprint.Create(null, Shape, "cnb-3fa2");

        Assert.Equal($"cnb-3fa2-{Underlay.Name}", b.Lab);
        Assert.Equal(3, b.Nodes.Count);
        Assert.Empty(b.Pods);
        Assert.Equal(2, LabScript.Up(b).Phases.Count);
        Assert.DoesNotContain(Lines(LabScript.Up(b)), l => l.Contains("198.19.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3fa2")]
    [InlineData("cnb-")]
    [InlineData("cnb-3FA2")]
    [InlineData("cnb-3f a2")]
    public void Create_InvalidRunPrefix_Throws(string prefix)
    {
        Assert.Throws<ArgumentException>(() => LabBlueprint.Create(null, Shape, prefix));
    }

    [Fact]
    public void Create_PodMtuFollowsUnderlay_ForFlannel()
    {
        var b = ModelWithUnderlayMtu("flannel", 9000);

        Assert.Equal(8950, b.PodMtu);
    }

    [Fact]
    public void Up_AnyModel_CreatesVethsDirectlyInTargetNamespaces()
    {
        var global = LabScript.Up(Flannel).Phases[0].Single();

        Assert.Null(global.Namespace);
        Assert.Equal("netns add cnb-3fa2-flannel-sw", global.Lines[0]);
        Assert.Contains("link add eth0 netns cnb-3fa2-flannel-n1 mtu 1500 type veth peer name n1 netns cnb-3fa2-flannel-sw mtu 1500", global.Lines);
        Assert.Contains("link add eth0 netns cnb-3fa2-flannel-n3-p2 mtu 1450 type veth peer name veth2 netns cnb-3fa2-flannel-n3 mtu 1450", global.Lines);
        Assert.Contains("netns exec cnb-3fa2-flannel-n1 sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1", global.Lines);
        Assert.Equal(["-batch", "-"], global.Arguments);
    }

    [Fact]
    public void Up_Flannel_NodeProgramsBridgeVxlanAndPeersLikeFlanneld()
    {
        var node = Batch(LabScript.Up(Flannel), 1, "cnb-3fa2-flannel-n1");

        Assert.Equal(["-n", "cnb-3fa2-flannel-n1", "-batch", "-"], node.Arguments);
        Assert.Contains("addr add 198.18.0.11/24 dev eth0", node.Lines);
        Assert.Contains("link add cni0 mtu 1450 type bridge", node.Lines);
        Assert.Contains("addr add 198.19.1.1/24 dev cni0", node.Lines);
        Assert.Contains("link set veth1 master cni0 up", node.Lines);
        Assert.Contains("link add flannel.1 address 02:cb:00:00:00:01 mtu 1450 type vxlan id 1 local 198.18.0.11 dev eth0 dstport 8472 nolearning", node.Lines);
        Assert.Contains("addr add 198.19.1.0/32 dev flannel.1", node.Lines);
        Assert.Contains("neigh add 198.19.2.0 lladdr 02:cb:00:00:00:02 dev flannel.1 nud permanent", node.Lines);
        Assert.Contains("route add 198.19.3.0/24 via 198.19.3.0 dev flannel.1 onlink", node.Lines);
        Assert.DoesNotContain(node.Lines, l => l.Contains("198.19.1.0/24 via", StringComparison.Ordinal));
    }

    [Fact]
    public void Up_Flannel_LastPhaseMapsPeerVtepMacsToUnderlayAddresses()
    {
        var phases = LabScript.Up(Flannel).Phases;
        var fdb = phases[^1].Single(b => b.Namespace == "cnb-3fa2-flannel-n2");

        Assert.Equal(3, phases.Count);
        Assert.Equal("bridge", fdb.Tool);
        Assert.Equal(
            ["fdb append 02:cb:00:00:00:01 dev flannel.1 dst 198.18.0.11 self permanent", "fdb append 02:cb:00:00:00:03 dev flannel.1 dst 198.18.0.13 self permanent"],
            fdb.Lines);
    }

    [Fact]
    public void Up_FlannelPod_RoutesPodNetworkViaBridgeWithoutDefaultRoute()
    {
        var pod = Batch(LabScript.Up(Flannel), 1, "cnb-3fa2-flannel-n2-p1");

        Assert.Equal(["link set lo up", "addr add 198.19.2.2/24 dev eth0", "link set eth0 up", "route add 198.19.0.0/16 via 198.19.2.1 dev eth0", "route add 198.18.96.0/20 via 198.19.2.1 dev eth0"], pod.Lines);
    }

    [Fact]
    public void Up_CalicoPod_UsesLinkLocalGatewayAndSlash32()
    {
        var pod = Batch(LabScript.Up(Calico), 1, "cnb-3fa2-calico-n1-p2");

        Assert.Equal(
            ["link set lo up", "addr add 198.19.1.3/32 dev eth0", "link set eth0 up", "route add 169.254.1.1 dev eth0 scope link", "route add 198.19.0.0/16 via 169.254.1.1 dev eth0", "route add 198.18.96.0/20 via 169.254.1.1 dev eth0"],
            pod.Lines);
    }

    [Fact]
    public void Up_CalicoNode_HasHostRoutesProxyArpAndPeerRoutesViaUnderlay()
    {
        var script = LabScript.Up(Calico);
        var global = script.Phases[0].Single();
        var node = Batch(script, 1, "cnb-3fa2-calico-n2");

        Assert.Equal(2, script.Phases.Count);
        Assert.Contains("link add eth0 netns cnb-3fa2-calico-n2-p1 mtu 1500 type veth peer name veth1 netns cnb-3fa2-calico-n2 mtu 1500 address ee:ee:ee:ee:ee:ee", global.Lines);
        Assert.Contains(
            "netns exec cnb-3fa2-calico-n2 sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.veth1.proxy_arp=1 net.ipv4.neigh.veth1.proxy_delay=0 net.ipv4.conf.veth1.forwarding=1 net.ipv4.conf.veth2.proxy_arp=1 net.ipv4.neigh.veth2.proxy_delay=0 net.ipv4.conf.veth2.forwarding=1",
            global.Lines);
        Assert.Contains("route add 198.19.2.2/32 dev veth1 scope link", node.Lines);
        Assert.Contains("route add 198.19.1.0/24 via 198.18.0.11 dev eth0", node.Lines);
        Assert.Contains("route add 198.19.3.0/24 via 198.18.0.13 dev eth0", node.Lines);
        Assert.Contains("route add 169.254.1.1 dev eth0 scope link", node.Lines);
        Assert.DoesNotContain(node.Lines, l => l.Contains("bridge", StringComparison.Ordinal) || l.StartsWith("addr add 198.19", StringComparison.Ordinal));
    }

    [Fact]
    public void Up_Canal_RoutesPodsLikeCalicoAndNodesOverFlannelVxlan()
    {
        var script = LabScript.Up(Model("canal"));
        var global = script.Phases[0].Single();
        var node = Batch(script, 1, "cnb-3fa2-canal-n1");
        var pod = Batch(script, 1, "cnb-3fa2-canal-n1-p1");
        var fdb = Batch(script, 2, "cnb-3fa2-canal-n1");

        Assert.Equal(1450, Model("canal").PodMtu);
        Assert.Contains("link add eth0 netns cnb-3fa2-canal-n1-p1 mtu 1450 type veth peer name veth1 netns cnb-3fa2-canal-n1 mtu 1450 address ee:ee:ee:ee:ee:ee", global.Lines);
        Assert.Contains(global.Lines, l => l.StartsWith("netns exec cnb-3fa2-canal-n1 sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.conf.veth1.proxy_arp=1", StringComparison.Ordinal));
        Assert.Contains("route add 198.19.1.2/32 dev veth1 scope link", node.Lines);
        Assert.Contains("route add 169.254.1.1 dev eth0 scope link", node.Lines);
        Assert.Contains("link add flannel.1 address 02:cb:00:00:00:01 mtu 1450 type vxlan id 1 local 198.18.0.11 dev eth0 dstport 8472 nolearning", node.Lines);
        Assert.Contains("route add 198.19.2.0/24 via 198.19.2.0 dev flannel.1 onlink", node.Lines);
        Assert.DoesNotContain(node.Lines, l => l.Contains("type bridge", StringComparison.Ordinal) || l.Contains("via 198.18.0.", StringComparison.Ordinal));
        Assert.Equal(
            ["link set lo up", "addr add 198.19.1.2/32 dev eth0", "link set eth0 up", "route add 169.254.1.1 dev eth0 scope link", "route add 198.19.0.0/16 via 169.254.1.1 dev eth0", "route add 198.18.96.0/20 via 169.254.1.1 dev eth0"],
            pod.Lines);
        Assert.Equal("bridge", fdb.Tool);
        Assert.Contains("fdb append 02:cb:00:00:00:02 dev flannel.1 dst 198.18.0.12 self permanent", fdb.Lines);
    }

    [Fact]
    public void Up_Cilium_RoutedVethsAndCiliumVxlanOn8472()
    {
        var b = Model("cilium");
        var script = LabScript.Up(b);
        var node = Batch(script, 1, "cnb-3fa2-cilium-n3");
        var fdb = Batch(script, 2, "cnb-3fa2-cilium-n3");

        Assert.Equal(1450, b.PodMtu);
        Assert.Equal(8950, ModelWithUnderlayMtu("cilium", 9000).PodMtu);
        Assert.Contains("link add cilium_vxlan address 02:cb:00:00:00:03 mtu 1450 type vxlan id 256 local 198.18.0.13 dev eth0 dstport 8472 nolearning", node.Lines);
        Assert.Contains("addr add 198.19.3.0/32 dev cilium_vxlan", node.Lines);
        Assert.Contains("neigh add 198.19.1.0 lladdr 02:cb:00:00:00:01 dev cilium_vxlan nud permanent", node.Lines);
        Assert.Contains("route add 198.19.1.0/24 via 198.19.1.0 dev cilium_vxlan onlink", node.Lines);
        Assert.Contains("route add 198.19.3.3/32 dev veth2 scope link", node.Lines);
        Assert.DoesNotContain(node.Lines, l => l.Contains("type bridge", StringComparison.Ordinal));
        Assert.Equal(
            ["fdb append 02:cb:00:00:00:01 dev cilium_vxlan dst 198.18.0.11 self permanent", "fdb append 02:cb:00:00:00:02 dev cilium_vxlan dst 198.18.0.12 self permanent"],
            fdb.Lines);
        Assert.Contains("routed /32 veths", b.Description, StringComparison.Ordinal);
        Assert.Contains("vxlan cilium_vxlan (VNI 256, port 8472)", b.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_KubeRouter_KubeBridgeAndPeerRoutesViaUnderlayWithoutTunnel()
    {
        var b = Model("kube-router");
        var script = LabScript.Up(b);
        var node = Batch(script, 1, "cnb-3fa2-kube-router-n2");
        var pod = Batch(script, 1, "cnb-3fa2-kube-router-n2-p2");

        Assert.Equal(2, script.Phases.Count);
        Assert.Equal(1500, b.PodMtu);
        Assert.Equal(9000, ModelWithUnderlayMtu("kube-router", 9000).PodMtu);
        Assert.Contains("link add kube-bridge mtu 1500 type bridge", node.Lines);
        Assert.Contains("addr add 198.19.2.1/24 dev kube-bridge", node.Lines);
        Assert.Contains("link set veth2 master kube-bridge up", node.Lines);
        Assert.Contains("route add 198.19.1.0/24 via 198.18.0.11 dev eth0", node.Lines);
        Assert.Contains("route add 198.19.3.0/24 via 198.18.0.13 dev eth0", node.Lines);
        Assert.DoesNotContain(Lines(script), l => l.Contains("vxlan", StringComparison.Ordinal) || l.Contains("proxy_arp", StringComparison.Ordinal));
        Assert.Equal(["link set lo up", "addr add 198.19.2.3/24 dev eth0", "link set eth0 up", "route add 198.19.0.0/16 via 198.19.2.1 dev eth0", "route add 198.18.96.0/20 via 198.19.2.1 dev eth0"], pod.Lines);
    }

    [Fact]
    public void Up_WeaveNet_WeaveBridgeVxlanOn6784AndFixedMtu1376()
    {
        var b = Model("weavenet");
        var script = LabScript.Up(b);
        var global = script.Phases[0].Single();
        var node = Batch(script, 1, "cnb-3fa2-weavenet-n1");

        Assert.Equal(1376, b.PodMtu);
        Assert.Equal(1376, ModelWithUnderlayMtu("weavenet", 9000).PodMtu);
        Assert.Contains("link add eth0 netns cnb-3fa2-weavenet-n1-p1 mtu 1376 type veth peer name veth1 netns cnb-3fa2-weavenet-n1 mtu 1376", global.Lines);
        Assert.Contains("link add weave mtu 1376 type bridge", node.Lines);
        Assert.Contains("addr add 198.19.1.1/24 dev weave", node.Lines);
        Assert.Contains("link set veth1 master weave up", node.Lines);
        Assert.Contains("link add vxlan-6784 address 02:cb:00:00:00:01 mtu 1376 type vxlan id 1 local 198.18.0.11 dev eth0 dstport 6784 nolearning", node.Lines);
        Assert.Contains("route add 198.19.3.0/24 via 198.19.3.0 dev vxlan-6784 onlink", node.Lines);
        Assert.Contains("fdb append 02:cb:00:00:00:02 dev vxlan-6784 dst 198.18.0.12 self permanent", Batch(script, 2, "cnb-3fa2-weavenet-n1").Lines);
        Assert.DoesNotContain(global.Lines, l => l.Contains("ee:ee:ee", StringComparison.Ordinal) || l.Contains("proxy_arp", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kube-router")]
    [InlineData("weavenet")]
    [InlineData("flannel")]
    public void Up_BridgedModel_TurnsOnBridgeNetfilterInEveryNode(string cni)
    {
        var global = LabScript.Up(Model(cni)).Phases[0].Single();

        foreach (var node in new[] { "n1", "n2", "n3" })
        {
            Assert.Contains($"netns exec cnb-3fa2-{cni}-{node} sysctl -q -w net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1", global.Lines);
        }
    }

    [Theory]
    [InlineData("calico")]
    [InlineData("canal")]
    [InlineData("cilium")]
    public void Up_NonBridgedModel_LeavesBridgeNetfilterAlone(string cni)
    {
        Assert.DoesNotContain(Lines(LabScript.Up(Model(cni))), l => l.Contains("net.bridge.", StringComparison.Ordinal));
    }

    [Fact]
    public void Up_EveryModel_HasNoDefaultRouteAndOnlyLabAddresses()
    {
        foreach (var blueprint in new[] { Flannel, Calico, LabBlueprint.Create(null, Shape, "cnb-3fa2") }.Concat(new[] { "canal", "cilium", "kube-router", "weavenet" }.Select(Model)))
        {
            var lines = Lines(LabScript.Up(blueprint));

            Assert.DoesNotContain(lines, l => l.Contains("default", StringComparison.Ordinal) || l.Contains("0.0.0.0/0", StringComparison.Ordinal));
            var addresses = lines.SelectMany(l => Ipv4().Matches(l).Select(m => IPAddress.Parse(m.Value))).ToList();
            Assert.NotEmpty(addresses);
            Assert.All(addresses, a => Assert.True(IsLabAddress(a), $"{a} is outside 198.18.0.0/15 and 169.254.0.0/16"));
        }
    }

    [Fact]
    public void Down_Namespaces_RendersOneForcedBatch()
    {
        var down = LabScript.Down(["cnb-3fa2-calico-sw", "cnb-3fa2-calico-n1"]);

        Assert.Equal(["-force", "-batch", "-"], down.Arguments);
        Assert.Equal("netns del cnb-3fa2-calico-sw\nnetns del cnb-3fa2-calico-n1\n", down.ToProcessSpec(TimeSpan.FromSeconds(1)).StandardInput);
    }

    [Fact]
    public async Task CreateAsync_BatchLineFails_NamesTheLineAndRemovesStateFile()
    {
        var options = TestSupport.NewOptions();
        var runner = new FakeProcessRunner(spec => spec.Program == "ip" && spec.Arguments.Contains($"{options.RunPrefix}-flannel-n1")
            ? new ProcessResult(2, "", "Error: Unknown device type.\nCommand failed -:7\n", TimeSpan.Zero)
            : new ProcessResult(0, "", "", TimeSpan.Zero));
        var provider = new LabProvider(TestSupport.Catalog, options with { Runner = runner });

        var ex = await Assert.ThrowsAsync<LabCommandException>(() =>
            provider.CreateAsync(new ClusterRequest("flannel", Shape), null, TestContext.Current.CancellationToken));

        Assert.Contains($"ip in {options.RunPrefix}-flannel-n1 failed at batch line 7 'link set veth1 master cni0 up'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Unknown device type", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(new LabStateStore(options.StateDirectory).PathOf($"{options.RunPrefix}-flannel")));
        Directory.Delete(options.StateDirectory, recursive: true);
    }

    [Fact]
    public async Task CreateAsync_UnknownCni_ListsCatalog()
    {
        var provider = new LabProvider(TestSupport.Catalog, TestSupport.NewOptions() with { Runner = new FakeProcessRunner(_ => throw new InvalidOperationException("no process expected")) });

        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            provider.CreateAsync(new ClusterRequest("weave", Shape), null, TestContext.Current.CancellationToken));

        Assert.Contains("flannel", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cnb-probe-1234-ab12", 1234)]
    [InlineData("cnb-probe-77", 77)]
    [InlineData("cnb-3fa2-flannel-n1", null)]
    [InlineData("cnb-probe-x1", null)]
    public void TryParseProbeOwner_Name_ReturnsPid(string ns, int? pid)
    {
        Assert.Equal(pid, LabPreflight.TryParseProbeOwner(ns));
    }

    [Fact]
    public void ProcessIdentity_CurrentProcess_IsAliveAndWrongStartTimeIsNot()
    {
        var me = ProcessIdentity.Current;

        Assert.True(me.IsAlive());
        Assert.False((me with { StartTicks = me.StartTicks + 1 }).IsAlive());
    }

    [Fact]
    public void BelongsTo_PrefixAndLab_MatchesOnlyWholeParts()
    {
        Assert.True(LabNames.BelongsTo("cnb-3fa2-calico-n1", "cnb-3fa2"));
        Assert.True(LabNames.BelongsTo("cnb-3fa2-calico", "cnb-3fa2-calico"));
        Assert.False(LabNames.BelongsTo("cnb-3fa21-calico", "cnb-3fa2"));
    }

    /// <summary>The one batch of <paramref name="phase"/> that runs in namespace <paramref name="ns"/>.</summary>
    private static LabBatch Batch(LabScript script, int phase, string ns) => script.Phases[phase].Single(b => b.Namespace == ns);

    private static List<string> Lines(LabScript script) => [.. script.Phases.SelectMany(p => p).SelectMany(b => b.Lines)];

    private static bool IsLabAddress(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return (bytes[0] == 198 && bytes[1] is 18 or 19) || (bytes[0] == 169 && bytes[1] == 254);
    }

    [GeneratedRegex(@"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex Ipv4();
}
