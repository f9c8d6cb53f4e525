using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Lab.Tests;

/// <summary>The IPsec (xfrm) builder's rendered commands; this kernel has no ESP, so a real IPsec lab cannot run here.</summary>
public sealed class LabIpsecTests
{
    private static LabBlueprint Cilium() => LabBlueprint.Create(TestSupport.Catalog["cilium"], ClusterShape.Default, "cnb-3fa2", "ipsec");

    [Fact]
    public void Batches_ThreeNodes_EachNodeHasItsFourAssociationsAndInOutPolicyPerPeer()
    {
        var b = Cilium();
        var associations = LabIpsec.NewAssociations(b);

        var batches = LabIpsec.Batches(b, associations);

        Assert.Equal(6, associations.Count);
        Assert.Equal(b.Nodes.Select(n => n.Namespace), batches.Select(x => x.Namespace));
        var node1 = batches[0].Lines;
        Assert.Equal(4, node1.Count(l => l.StartsWith("xfrm state add ", StringComparison.Ordinal)));
        Assert.Contains($"xfrm policy add src {b.Nodes[0].Address}/32 dst {b.Nodes[1].Address}/32 dir out tmpl src {b.Nodes[0].Address} dst {b.Nodes[1].Address} proto esp reqid 4354 mode transport", node1);
        Assert.Contains($"xfrm policy add src {b.Nodes[1].Address}/32 dst {b.Nodes[0].Address}/32 dir in tmpl src {b.Nodes[1].Address} dst {b.Nodes[0].Address} proto esp reqid 4609 mode transport", node1);
        Assert.All(node1.Where(l => l.StartsWith("xfrm state", StringComparison.Ordinal)), l => Assert.Matches(@"proto esp spi 0x1[0-9a-f]{3} reqid \d+ mode transport aead rfc4106\(gcm\(aes\)\) 0x[0-9a-f]{40} 128$", l));
        Assert.All(batches, x => Assert.True(x.Secret));
    }

    [Fact]
    public void NewAssociations_TwoLabs_NeverShareAKey()
    {
        var first = LabIpsec.NewAssociations(Cilium()).Select(a => a.KeyHex);
        var second = LabIpsec.NewAssociations(Cilium()).Select(a => a.KeyHex);

        Assert.Equal(12, first.Concat(second).Distinct().Count());
    }

    [Fact]
    public void Describe_SecretBatchFails_NamesTheLineNumberButNotItsKey()
    {
        var b = Cilium();
        var association = LabIpsec.NewAssociations(b)[0];
        var batch = LabIpsec.Batches(b, [association])[0];

        var message = BatchRunner.Describe(batch, new ProcessResult(1, "", "RTNETLINK answers: Protocol not supported\nCommand failed -:1\n", TimeSpan.Zero));

        Assert.Contains("batch line 1 (withheld: it carries key material)", message, StringComparison.Ordinal);
        Assert.DoesNotContain(association.KeyHex, message, StringComparison.Ordinal);
        Assert.DoesNotContain(association.KeyHex, association.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_KernelWithEsp_BuildsIpsec()
    {
        var cilium = TestSupport.Catalog["cilium"];

        Assert.Null(LabSupportCheck.Unsupported(new ClusterId("cilium", "ipsec"), cilium.Variant("ipsec")!.Lab!, new KernelFeatures(Ipip: false, WireGuard: false, Esp: true)));
    }
}
