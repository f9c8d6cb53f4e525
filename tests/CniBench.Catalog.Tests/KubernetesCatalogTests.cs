using CniBench.Catalog;

namespace CniBench.Catalog.Tests;

public sealed class KubernetesCatalogTests
{
    public static TheoryData<string> AllCnis => ["calico", "canal", "cilium", "flannel", "kube-router", "weavenet"];

    [Fact]
    public void Load_RepositoryCatalog_HasTheSixCnis()
    {
        Assert.Equal(["calico", "canal", "cilium", "flannel", "kube-router", "weavenet"], ShippedCatalog.Cni.Names.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AllCnis))]
    public void Load_EachCni_HasPinnedInstallAndDaemonSetReadiness(string cni)
    {
        var install = ShippedCatalog.Cni[cni].Kubernetes;

        Assert.NotNull(install);
        Assert.NotEmpty(install.DaemonSets);
        Assert.True(install.Helm is not null ^ install.Manifests.Count > 0);
        Assert.All(install.Manifests, m => Assert.DoesNotContain("/latest/", m.Url.AbsoluteUri, StringComparison.Ordinal));
        Assert.All(install.Manifests, m => Assert.Contains(ShippedCatalog.Cni[cni].Upstream.Version, m.Url.AbsoluteUri, StringComparison.Ordinal));
        Assert.False(string.IsNullOrWhiteSpace(install.PodCidr.Setting));
    }

    [Fact]
    public void Load_Flannel_PinsManifestHashAndWireguardVariant()
    {
        var install = ShippedCatalog.Cni["flannel"].Kubernetes!;

        var manifest = Assert.Single(install.Manifests);
        Assert.Equal("https://raw.githubusercontent.com/flannel-io/flannel/v0.28.9/Documentation/kube-flannel.yml", manifest.Url.AbsoluteUri);
        Assert.Equal("e875824be2f552b45711dbda91af81b17eb961d00025d914d9fef18fad8f09c0", manifest.Sha256);
        Assert.Equal(new WorkloadRef(WorkloadKind.DaemonSet, "kube-flannel", "kube-flannel-ds"), Assert.Single(install.Readiness));
        Assert.Equal("10.244.0.0/16", install.PodCidr.Default);
        Assert.True(install.PodCidr.MustMatchClusterCidr);
        var wireguard = Assert.Single(install.Encryption);
        Assert.Equal("wireguard", wireguard.Name);
        var patch = Assert.Single(wireguard.Patches);
        Assert.Equal(("ConfigMap", "kube-flannel", "kube-flannel-cfg", PatchType.Merge), (patch.Kind, patch.Namespace, patch.Name, patch.Type));
        Assert.Contains("\"Type\": \"wireguard\"", System.Text.Json.JsonDocument.Parse(patch.Patch).RootElement.GetProperty("data").GetProperty("net-conf.json").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Cilium_InstallsByHelmWithWireguardAndIpsecVariants()
    {
        var install = ShippedCatalog.Cni["cilium"].Kubernetes!;

        Assert.Empty(install.Manifests);
        var helm = install.Helm!;
        Assert.Equal(("https://helm.cilium.io/", "cilium", "1.20.0", "kube-system"), (helm.Repo.AbsoluteUri, helm.Chart, helm.Version, helm.Namespace));
        Assert.Equal(["wireguard", "ipsec"], install.Encryption.Select(e => e.Name));
        var ipsec = install.Encryption[1];
        Assert.Equal("ipsec", ipsec.HelmValues["encryption.type"]);
        Assert.Equal(new SecretSpec("kube-system", "cilium-ipsec-keys", "keys", SecretGenerator.IpsecKey), ipsec.Secret);
        Assert.Contains(install.Readiness, r => r is { Kind: WorkloadKind.Deployment, Name: "cilium-operator" });
    }

    [Fact]
    public void Load_WeaveNet_IsArchivedAndItsManifestUnverified()
    {
        var install = ShippedCatalog.Cni["weavenet"].Kubernetes!;

        Assert.Equal(ProjectStatus.Archived, install.Status);
        Assert.Contains("archived", install.StatusNote, StringComparison.Ordinal);
        Assert.Null(Assert.Single(install.Manifests).Sha256);
        Assert.Equal("ipsec", Assert.Single(install.Encryption).Name);
        Assert.Equal(PatchType.Strategic, install.Encryption[0].Patches[0].Type);
    }

    [Fact]
    public void Load_CniWithoutLabModel_HasNullLab()
    {
        var path = Path.Combine(RepoPaths.CniManifests, "cilium.yaml");
        // Variants change the top-level lab model, so they go with it.
        var withoutLab = string.Join('\n', WithoutTopLevelSection(WithoutTopLevelSection(File.ReadAllLines(path), "lab"), "variants"));

        Assert.Null(CniCatalog.Parse(withoutLab, path).Lab);
        Assert.NotNull(ShippedCatalog.Cni["cilium"].Lab);
    }

    /// <summary>The lines of a YAML file without one top-level key and everything nested under it.</summary>
    internal static IEnumerable<string> WithoutTopLevelSection(IEnumerable<string> lines, string key)
    {
        var skipping = false;
        foreach (var line in lines)
        {
            var topLevel = line.Length > 0 && !char.IsWhiteSpace(line[0]) && line[0] != '#';
            if (topLevel)
            {
                skipping = line.StartsWith(key + ":", StringComparison.Ordinal);
            }

            if (!skipping)
            {
                yield return line;
            }
        }
    }

    [Fact]
    public void Parse_KubernetesSectionWithLatestUrlAndBadHash_ReportsBoth()
    {
        const string yaml = """
            name: demo
            displayName: Demo
            upstream: { version: v1.0.0, project: https://example.org/demo }
            policy: { ingress: false, egress: false }
            kubernetes:
              manifests:
                - url: https://example.org/releases/latest/download/demo.yaml
                  sha256: NOTAHASH
              podCidr: { mustMatchClusterCidr: true, setting: x }
              readiness:
                - { kind: Deployment, namespace: kube-system, name: demo }
            """;

        var errors = Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors;

        Assert.Contains(errors, e => e.Message.Contains("not pinned", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("64 lower-case hex", StringComparison.Ordinal) && e.Line == 8);
        Assert.Contains(errors, e => e.Message.Contains("at least one DaemonSet", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BothManifestsAndHelm_IsRejected()
    {
        const string yaml = """
            name: demo
            displayName: Demo
            upstream: { version: v1.0.0, project: https://example.org/demo }
            policy: { ingress: false, egress: false }
            kubernetes:
              status: retired
              manifests: [ { url: "https://example.org/v1/demo.yaml" } ]
              helm: { repo: "https://charts.example.org/", chart: demo, version: 1.0.0, release: demo, namespace: demo }
              podCidr: { mustMatchClusterCidr: true, setting: x }
              readiness: [ { kind: DaemonSet, namespace: kube-system, name: demo } ]
            """;

        var errors = Assert.Throws<CatalogException>(() => CniCatalog.Parse(yaml, "/x/demo.yaml")).Errors;

        Assert.Contains(errors, e => e.Message.Contains("exactly one install method", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("statusNote is required", StringComparison.Ordinal));
    }
}
