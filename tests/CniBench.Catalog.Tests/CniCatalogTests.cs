using CniBench.Catalog;

namespace CniBench.Catalog.Tests;

public sealed class CniCatalogTests : IDisposable
{
    private const string Valid = """
        name: demo
        displayName: Demo
        upstream: { version: v1.0.0, project: https://example.org/demo }
        sources:
          - "docs: a fact"
        lab:
          attachment: bridge
          bridge: cni0
          gateway: bridge
          encapsulation: { type: vxlan, device: vx.1, port: 4789, vni: 7, overheadBytes: 50 }
        policy: { ingress: false, egress: false }
        """;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cnibench-catalog-tests", Guid.NewGuid().ToString("N"));

    public CniCatalogTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_RepositoryManifests_ModelsFlannelAndCalico()
    {
        var catalog = CniCatalog.Load(RepoPaths.CniManifests);

        Assert.Contains("flannel", catalog.Names);
        Assert.Contains("calico", catalog.Names);
        var flannel = catalog["flannel"].Lab!;
        Assert.Equal(LabAttachment.Bridge, flannel.Attachment);
        Assert.Equal("cni0", flannel.Bridge);
        Assert.Equal(EncapsulationType.Vxlan, flannel.Encapsulation.Type);
        Assert.Equal(8472, flannel.Encapsulation.Port);
        Assert.Equal(1, flannel.Encapsulation.Vni);
        Assert.Equal("flannel.1", flannel.Encapsulation.Device);
        Assert.Equal(1450, flannel.PodMtu(1500));
        var calico = catalog["calico"];
        Assert.NotNull(calico.Lab);
        Assert.Equal(LabAttachment.Routed, calico.Lab.Attachment);
        Assert.Equal(LabGateway.LinkLocal, calico.Lab.Gateway);
        Assert.Equal(EncapsulationType.None, calico.Lab.Encapsulation.Type);
        Assert.Equal(1500, calico.Lab.PodMtu(1500));
        Assert.True(calico.Policy.Ingress);
        Assert.All(catalog.Manifests, m => Assert.NotEmpty(m.Sources));
    }

    [Fact]
    public void Parse_ValidManifest_ReadsEveryField()
    {
        var manifest = CniCatalog.Parse(Valid, "/x/demo.yaml");

        Assert.Equal("Demo", manifest.DisplayName);
        Assert.Equal("v1.0.0", manifest.Upstream.Version);
        Assert.Equal(new Uri("https://example.org/demo"), manifest.Upstream.Project);
        Assert.Equal(["docs: a fact"], manifest.Sources);
        Assert.NotNull(manifest.Lab);
        Assert.Equal(7, manifest.Lab.Encapsulation.Vni);
        Assert.Equal(8950, manifest.Lab.PodMtu(9000));
        Assert.Empty(manifest.ReservedSections);
    }

    [Fact]
    public void Parse_UnknownKey_ReportsFileLineAndColumn()
    {
        var yaml = Valid.Replace("  gateway: bridge", "  gateway: bridge\n  gatway: bridge", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors);

        Assert.Equal("/x/demo.yaml", error.File);
        Assert.Equal(10, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Contains("unknown key 'gatway'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean 'gateway'?)", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("/x/demo.yaml:10:3: lab.gatway", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingRequiredField_NamesTheField()
    {
        var yaml = Valid.Replace("displayName: Demo\n", "", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors);

        Assert.Contains("missing required key 'displayName'", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsAllAtOnce()
    {
        File.WriteAllText(Path.Combine(_directory, "demo.yaml"), Valid
            .Replace("port: 4789", "port: 99999", StringComparison.Ordinal)
            .Replace("attachment: bridge", "attachment: tunnel", StringComparison.Ordinal)
            .Replace("ingress: false", "ingress: maybe", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(_directory, "other.yaml"), Valid.Replace("name: demo", "name: demo2\ncolour: red", StringComparison.Ordinal));

        var errors = Assert.Throws<CatalogException>(() => CniCatalog.Load(_directory)).Errors;

        Assert.Contains(errors, e => e.File.EndsWith("demo.yaml", StringComparison.Ordinal) && e.Field == "lab.encapsulation.port" && e.Line == 10);
        Assert.Contains(errors, e => e.ToString().Contains("lab.attachment: expected one of bridge | routed, found 'tunnel'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.ToString().Contains("policy.ingress: expected true or false", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File.EndsWith("other.yaml", StringComparison.Ordinal) && e.Message.Contains("does not match the file name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.File.EndsWith("other.yaml", StringComparison.Ordinal) && e.Message.Contains("unknown key 'colour'", StringComparison.Ordinal) && e.Line == 2);
        Assert.True(errors.Count >= 5);
    }

    [Fact]
    public void Parse_KubernetesSection_IsParsedAndUnknownSectionIsNot()
    {
        const string kubernetes = """

            kubernetes:
              manifests:
                - url: https://example.org/v1.0.0/demo.yaml
                  sha256: 0000000000000000000000000000000000000000000000000000000000000000
              podCidr: { default: 10.244.0.0/16, mustMatchClusterCidr: true, setting: net-conf.json }
              readiness:
                - { kind: DaemonSet, namespace: kube-system, name: demo }
            """;
        var parsed = CniCatalog.Parse(Valid + kubernetes, "/x/demo.yaml");
        var unknown = Assert.Throws<CatalogException>(() => CniCatalog.Parse(Valid + "\nkubernetez: {}\n", "/x/demo.yaml"));
        var invalid = Assert.Throws<CatalogException>(() => CniCatalog.Parse(Valid + "\nkubernetes:\n  install: later\n", "/x/demo.yaml"));

        Assert.Empty(parsed.ReservedSections);
        Assert.Equal("demo", Assert.Single(parsed.Kubernetes!.DaemonSets).Name);
        Assert.Contains("unknown key 'kubernetez'", Assert.Single(unknown.Errors).Message, StringComparison.Ordinal);
        Assert.Contains(invalid.Errors, e => e.Message.Contains("unknown key 'install'", StringComparison.Ordinal));
        Assert.Contains(invalid.Errors, e => e.Message.Contains("missing required key 'readiness'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_WithoutLabSection_HasNullLab()
    {
        var start = Valid.IndexOf("lab:", StringComparison.Ordinal);
        var end = Valid.IndexOf("policy:", StringComparison.Ordinal);

        var manifest = CniCatalog.Parse(Valid[..start] + Valid[end..], "/x/demo.yaml");

        Assert.Null(manifest.Lab);
    }

    [Fact]
    public void Load_RepositoryManifests_HaveKubernetesInstallAndLabModelForAllSix()
    {
        var catalog = CniCatalog.Load(RepoPaths.CniManifests);

        Assert.Equal(["calico", "canal", "cilium", "flannel", "kube-router", "weavenet"], catalog.Names);
        Assert.All(catalog.Manifests, m => Assert.NotNull(m.Kubernetes));
        Assert.All(catalog.Manifests, m => Assert.NotNull(m.Lab));
    }

    [Fact]
    public void Load_RepositoryManifests_ModelsEachDefaultDatapath()
    {
        var catalog = CniCatalog.Load(RepoPaths.CniManifests);
        var canal = catalog["canal"].Lab!;
        var cilium = catalog["cilium"].Lab!;
        var kubeRouter = catalog["kube-router"].Lab!;
        var weave = catalog["weavenet"].Lab!;

        Assert.Equal((LabAttachment.Routed, LabGateway.LinkLocal, "flannel.1", 8472, 1, 1450), (canal.Attachment, canal.Gateway, canal.Encapsulation.Device, canal.Encapsulation.Port, canal.Encapsulation.Vni, canal.PodMtu(1500)));
        Assert.Equal((LabAttachment.Routed, LabGateway.LinkLocal, "cilium_vxlan", 8472, 1450), (cilium.Attachment, cilium.Gateway, cilium.Encapsulation.Device, cilium.Encapsulation.Port, cilium.PodMtu(1500)));
        Assert.Equal((LabAttachment.Bridge, "kube-bridge", LabGateway.Bridge, EncapsulationType.None, 1500), (kubeRouter.Attachment, kubeRouter.Bridge, kubeRouter.Gateway, kubeRouter.Encapsulation.Type, kubeRouter.PodMtu(1500)));
        Assert.Equal((LabAttachment.Bridge, "weave", EncapsulationType.Vxlan, 6784, 1376, 1376), (weave.Attachment, weave.Bridge, weave.Encapsulation.Type, weave.Encapsulation.Port, weave.PodMtu(1500), weave.PodMtu(9000)));
        // The lab's address-keyed nftables rules enforce routed and bridged (br_netfilter) models alike; flannel has no policy.
        Assert.Equal(["calico", "canal", "cilium", "kube-router", "weavenet"], catalog.Manifests.Where(m => m.Policy.Ingress && m.Policy.Egress).Select(m => m.Name));
        Assert.Equal((false, false, 0), (catalog["flannel"].Policy.Ingress, catalog["flannel"].Policy.Egress, catalog["flannel"].Policy.Gaps.Count));
    }

    [Fact]
    public void Load_RepositoryCatalog_PolicyGapsAreWhatEachCniDocumentsWithSources()
    {
        var catalog = CniCatalog.Load(RepoPaths.CniManifests);

        // weave-npc rejects named ports and predates endPort; Cilium never matches pods by CIDR and has SCTP off by default.
        Assert.Equal([PolicyFeature.NamedPorts, PolicyFeature.EndPort], catalog["weavenet"].Policy.Gaps.Select(g => g.Feature));
        Assert.Equal([PolicyFeature.IpBlockPods, PolicyFeature.Sctp], catalog["cilium"].Policy.Gaps.Select(g => g.Feature));
        Assert.All(["calico", "canal", "kube-router", "flannel"], name => Assert.Empty(catalog[name].Policy.Gaps));
        Assert.All(catalog.Manifests.SelectMany(m => m.Policy.Gaps), g => Assert.True(g.Source.Length > 40, g.Source));
    }

    [Fact]
    public void Parse_PolicyGapUnknownFeatureOrWithoutSource_IsRejectedAtTheField()
    {
        var yaml = Valid.Replace(
            "policy: { ingress: false, egress: false }",
            "policy:\n  ingress: true\n  egress: true\n  gaps:\n    - feature: ipv6\n      source: somewhere\n    - feature: sctp\n",
            StringComparison.Ordinal);

        var errors = Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors.Select(e => e.ToString()).ToList();

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("feature", StringComparison.Ordinal) && e.Contains("namedPorts, endPort, sctp, ipBlockPods", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("source", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RoutedAttachmentWithBridgeGateway_IsRejected()
    {
        var yaml = Valid
            .Replace("attachment: bridge", "attachment: routed", StringComparison.Ordinal)
            .Replace("  bridge: cni0\n", "", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors);

        Assert.Contains("gateway 'bridge' needs attachment 'bridge'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EncapsulationNoneWithPort_IsRejected()
    {
        var yaml = Valid.Replace("{ type: vxlan, device: vx.1, port: 4789, vni: 7, overheadBytes: 50 }", "{ type: none, port: 4789 }", StringComparison.Ordinal);

        var error = Assert.Single(Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors);

        Assert.EndsWith("lab.encapsulation.port: not allowed when type is none", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidYaml_ReportsPosition()
    {
        var error = Assert.Single(Assert.Throws<CatalogException>(() => CniCatalog.Parse("name: [unclosed\n", "/x/demo.yaml")).Errors);

        Assert.StartsWith("not valid YAML", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 1);
    }

    [Fact]
    public void Indexer_UnknownName_ListsKnownNames()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => ShippedCatalog.Cni["weave"]);

        Assert.Contains("calico", ex.Message, StringComparison.Ordinal);
    }
}
