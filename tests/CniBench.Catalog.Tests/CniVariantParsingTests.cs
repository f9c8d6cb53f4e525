using CniBench.Catalog;

namespace CniBench.Catalog.Tests;

public sealed class CniVariantParsingTests
{
    private const string Head = """
        name: demo
        displayName: Demo
        upstream: { version: v1, project: https://example.org/demo }
        policy: { ingress: true, egress: false }
        lab:
          attachment: routed
          gateway: link-local
          encapsulation: { type: none }
        """;

    private static CniManifest Parse(string variants) => CniCatalog.Parse(Head + "\n" + variants, "demo.yaml");

    [Fact]
    public void Parse_EncryptionVariant_InheritsBaseModelAndSubtractsOverheadFromPodMtu()
    {
        var manifest = Parse("""
            variants:
              - name: wireguard
                kind: encryption
                summary: WireGuard between nodes
                lab:
                  encryption: { type: wireguard, device: wg-demo, port: 51820, overheadBytes: 60 }
            """);

        var variant = Assert.Single(manifest.Variants);
        Assert.Equal(VariantKind.Encryption, variant.Kind);
        var lab = Assert.IsType<LabDatapathSpec>(variant.Lab);
        Assert.Equal((LabAttachment.Routed, LabGateway.LinkLocal, EncapsulationType.None), (lab.Attachment, lab.Gateway, lab.Encapsulation.Type));
        Assert.Equal((EncryptionType.WireGuard, "wg-demo", 51820), (lab.Encryption!.Type, lab.Encryption.Device, lab.Encryption.Port));
        Assert.Equal(1440, lab.PodMtu(1500));
        Assert.Null(manifest.Lab!.Encryption);
    }

    [Fact]
    public void Parse_IpipVariant_ReplacesEncapsulation()
    {
        var manifest = Parse("""
            variants:
              - name: ipip
                kind: datapath
                summary: IP-in-IP between nodes
                lab:
                  encapsulation: { type: ipip, device: tunl0, overheadBytes: 20 }
            """);

        var lab = manifest.Variant("ipip")!.Lab!;
        Assert.Equal((EncapsulationType.Ipip, "tunl0", 20), (lab.Encapsulation.Type, lab.Encapsulation.Device, lab.Encapsulation.OverheadBytes));
        Assert.Equal(1480, lab.PodMtu(1500));
    }

    [Fact]
    public void Parse_VariantWithoutLabSection_HasNoLabModel()
    {
        var manifest = Parse("""
            variants:
              - { name: bgp-only, kind: datapath, summary: only on real clusters }
            """);

        Assert.Null(manifest.Variant("bgp-only")!.Lab);
    }

    [Fact]
    public void Parse_EncryptionVariantWithoutEncryption_ReportsIt()
    {
        var error = Assert.Single(Assert.Throws<CatalogException>(() => Parse("""
            variants:
              - name: wireguard
                kind: encryption
                summary: x
                lab: { mtu: 1400 }
            """)).Errors);

        Assert.Contains("needs 'encryption'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IpipWithPort_IsRejected()
    {
        var ex = Assert.Throws<CatalogException>(() => Parse("""
            variants:
              - name: ipip
                kind: datapath
                summary: x
                lab:
                  encapsulation: { type: ipip, device: tunl0, port: 4789, overheadBytes: 20 }
            """));

        Assert.Contains(ex.Errors, e => e.ToString().EndsWith("encapsulation.port: not allowed when type is ipip", StringComparison.Ordinal));
    }

    [Fact]
    public void ClusterIds_ListEachCniAndEachOfItsVariants()
    {
        var catalog = new CniCatalog([Parse("""
            variants:
              - { name: bgp-only, kind: datapath, summary: x }
            """)]);

        Assert.Equal(["demo", "demo+bgp-only"], catalog.ClusterIds);
    }
}
