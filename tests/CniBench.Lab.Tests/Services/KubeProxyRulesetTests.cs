using System.Net;
using CniBench.Core.Clusters;
using CniBench.Lab.Services;

namespace CniBench.Lab.Tests.Services;

public sealed class KubeProxyRulesetTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.96.1");
    private static readonly IPAddress PodA = IPAddress.Parse("198.19.2.2");
    private static readonly IPAddress PodB = IPAddress.Parse("198.19.3.2");

    private static LabService Service(params IPAddress[] backends) =>
        new(1, "cnb-tcp", Vip, [ServicePort.Tcp(5201)], backends);

    [Fact]
    public void Render_OneBackend_ReplacesTableAtomicallyAndDnatsStraightToIt()
    {
        var script = KubeProxyRuleset.Render([Service(PodA)]);

        Assert.StartsWith("table ip cnb_kubeproxy\ndelete table ip cnb_kubeproxy\ntable ip cnb_kubeproxy {\n", script, StringComparison.Ordinal);
        Assert.Contains("type nat hook prerouting priority dstnat; policy accept;", script, StringComparison.Ordinal);
        Assert.Contains("ip daddr . meta l4proto . th dport vmap @service-ips", script, StringComparison.Ordinal);
        Assert.Contains("elements = { 198.18.96.1 . tcp . 5201 : goto svc1-tcp-5201 }", script, StringComparison.Ordinal);
        Assert.Contains("\tchain svc1-tcp-5201 {\n\t\tcomment \"cnb-tcp 198.18.96.1:5201/tcp\"\n\t\tmeta l4proto tcp dnat to 198.19.2.2:5201\n\t}\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("numgen", script, StringComparison.Ordinal);
        Assert.DoesNotContain("masquerade", script, StringComparison.Ordinal);
        Assert.DoesNotContain("snat", script, StringComparison.Ordinal);
        Assert.DoesNotContain("hook output", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SeveralBackends_PicksOneAtRandomThroughEndpointChains()
    {
        var script = KubeProxyRuleset.Render([Service(PodA, PodB)]);

        Assert.Contains("numgen random mod 2 vmap { 0 : goto svc1-tcp-5201-ep0, 1 : goto svc1-tcp-5201-ep1 }", script, StringComparison.Ordinal);
        Assert.Contains("\tchain svc1-tcp-5201-ep0 {\n\t\tmeta l4proto tcp dnat to 198.19.2.2:5201\n\t}\n", script, StringComparison.Ordinal);
        Assert.Contains("\tchain svc1-tcp-5201-ep1 {\n\t\tmeta l4proto tcp dnat to 198.19.3.2:5201\n\t}\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TcpAndUdpPorts_MapsBothProtocolsToTheirOwnChains()
    {
        var service = Service(PodA) with { Ports = [ServicePort.Tcp(5201), ServicePort.Udp(5201)] };

        var script = KubeProxyRuleset.Render([service]);

        Assert.Contains("elements = { 198.18.96.1 . tcp . 5201 : goto svc1-tcp-5201, 198.18.96.1 . udp . 5201 : goto svc1-udp-5201 }", script, StringComparison.Ordinal);
        Assert.Contains("meta l4proto udp dnat to 198.19.2.2:5201", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UpdatedBackends_DropsTheOldEndpoint()
    {
        var before = KubeProxyRuleset.Render([Service(PodA)]);
        var after = KubeProxyRuleset.Render([Service(PodB)]);

        Assert.Contains("dnat to 198.19.2.2:5201", before, StringComparison.Ordinal);
        Assert.DoesNotContain("198.19.2.2", after, StringComparison.Ordinal);
        Assert.Contains("dnat to 198.19.3.2:5201", after, StringComparison.Ordinal);
        Assert.StartsWith(KubeProxyRuleset.RemoveScript, after, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoServices_KeepsTheBaseChainsAsOnARealNode()
    {
        // Conntrack and kube-proxy's chains exist on every node, Service or not: pod-to-pod must pay for them too.
        var rules = KubeProxyRuleset.Render([]);

        Assert.StartsWith(KubeProxyRuleset.RemoveScript, rules, StringComparison.Ordinal);
        Assert.Contains("type nat hook prerouting priority dstnat", rules, StringComparison.Ordinal);
        Assert.Contains("ct state invalid drop", rules, StringComparison.Ordinal);
        Assert.Contains("map service-ips", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("elements", rules, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MalformedServices_ReportsEveryProblemAtOnce()
    {
        var bad = new LabService(1, "Not_A_Label", IPAddress.IPv6Loopback, [ServicePort.Tcp(0), new ServicePort("sctp", 80)], []);
        var twin = new LabService(1, "twin", IPAddress.IPv6Loopback, [ServicePort.Tcp(80), ServicePort.Tcp(80)], [PodA]);

        var error = Assert.Throws<ArgumentException>(() => KubeProxyRuleset.Render([bad, twin]));

        Assert.Contains("DNS label", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not IPv4", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 0/tcp", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 80/sctp", error.Message, StringComparison.Ordinal);
        Assert.Contains("no backends", error.Message, StringComparison.Ordinal);
        Assert.Contains("port 80/tcp listed twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("service id 1 used twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("used by Not_A_Label and twin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "198.18.96.1")]
    [InlineData(255, "198.18.96.255")]
    [InlineData(256, "198.18.97.0")]
    [InlineData(4094, "198.18.111.254")]
    public void ServiceAddress_Ordinal_StaysInsideTheServiceRange(int ordinal, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), LabAddressing.ServiceAddress(ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    public void ServiceAddress_OutsideTheRange_Throws(int ordinal)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LabAddressing.ServiceAddress(ordinal));
    }
}
