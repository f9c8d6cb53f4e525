using System.Text.Json.Nodes;
using CniBench.Catalog;
using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Tests.Catalog;

public sealed class VariantCheckTests
{
    private const string WeavePatch = """{"spec":{"template":{"spec":{"containers":[{"name":"weave","env":[{"name":"WEAVE_PASSWORD","valueFrom":{"secretKeyRef":{"name":"weave-passwd","key":"weave-passwd"}}}]}]}}}}""";

    [Fact]
    public void FirstDifference_StrategicEnvAlreadyOnTheNamedContainer_Null()
    {
        var have = JsonNode.Parse("""
            {"spec":{"template":{"spec":{"containers":[
              {"name":"weave-npc","env":[]},
              {"name":"weave","image":"x","env":[{"name":"HOSTNAME","value":"n1"},{"name":"WEAVE_PASSWORD","valueFrom":{"secretKeyRef":{"name":"weave-passwd","key":"weave-passwd"}}}]}]}}}}
            """);

        Assert.Null(VariantCheck.FirstDifference(JsonNode.Parse(WeavePatch), have, "", strategic: true));
    }

    [Fact]
    public void FirstDifference_StrategicEnvMissing_NamesTheListEntry()
    {
        var have = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"weave","env":[{"name":"HOSTNAME","value":"n1"}]}]}}}}""");

        Assert.Equal(
            "spec.template.spec.containers[name=weave].env[name=WEAVE_PASSWORD] is absent",
            VariantCheck.FirstDifference(JsonNode.Parse(WeavePatch), have, "", strategic: true));
    }

    [Fact]
    public void FirstDifference_JsonInAStringFormattedDifferently_Null()
    {
        var want = JsonNode.Parse("""{"data":{"net-conf.json":"{\n  \"Network\": \"10.244.0.0/16\",\n  \"Backend\": {\n    \"Type\": \"wireguard\"\n  }\n}\n"}}""");
        var have = JsonNode.Parse("""{"metadata":{"name":"kube-flannel-cfg"},"data":{"cni-conf.json":"{}","net-conf.json":"{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"wireguard\"}}"}}""");

        Assert.Null(VariantCheck.FirstDifference(want, have, "", strategic: false));
    }

    [Fact]
    public void FirstDifference_MergeValueDiffers_SaysWhatIsAndWhatTheVariantSets()
    {
        var difference = VariantCheck.FirstDifference(JsonNode.Parse("""{"spec":{"wireguardEnabled":true}}"""), JsonNode.Parse("""{"spec":{"wireguardEnabled":false}}"""), "", strategic: false);

        Assert.Equal("spec.wireguardEnabled is false, the variant sets true", difference);
    }

    [Fact]
    public void Generate_IpsecKeyAndPassword_FreshEachTimeInTheCatalogsFormat()
    {
        var keys = Enumerable.Range(0, 20).Select(_ => VariantSecret.Generate(SecretGenerator.IpsecKey)).ToList();
        var passwords = Enumerable.Range(0, 20).Select(_ => VariantSecret.Generate(SecretGenerator.Password)).ToList();

        Assert.All(keys, k => Assert.Matches(@"^3 rfc4106\(gcm\(aes\)\) [0-9a-f]{40} 128$", k));
        Assert.All(passwords, p => Assert.Matches("^[A-Za-z0-9]{40}$", p));
        Assert.Equal(20, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(20, passwords.Distinct(StringComparer.Ordinal).Count());
    }
}

/// <summary>The real catalog's variants: which ones the installer can switch on for a real cluster.</summary>
public sealed class CatalogVariantSupportTests
{
    public static TheoryData<string, string, bool> Variants()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var manifest in CatalogTestSupport.Catalog.Manifests)
        {
            foreach (var variant in manifest.Variants)
            {
                data.Add(manifest.Name, variant.Name, manifest.Kubernetes?.Encryption.Any(e => e.Name == variant.Name) == true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task EnsureInstalledAsync_RealCatalogVariant_UnsupportedExactlyWhenItHasNoKubernetesSettings(string cni, string variant, bool hasSettings)
    {
        // Nothing listens on port 1: a variant that resolves fails only when the cluster is contacted.
        using var client = new k8s.Kubernetes(new k8s.KubernetesClientConfiguration { Host = "http://127.0.0.1:1" });
        using var http = new HttpClient();
        var installer = new CatalogInstaller(
            CatalogTestSupport.Catalog,
            new ManifestDownloader(http, Path.Combine(Path.GetTempPath(), "cnibench-unused-cache")),
            new HelmTool(new ScriptedRunner(new Core.Processes.ProcessResult(1, "", "helm must not run", TimeSpan.Zero)), _ => true));

        var ex = await Assert.ThrowsAnyAsync<Exception>(() =>
            installer.EnsureInstalledAsync(client, new Core.Clusters.ClusterId(cni, variant), new Core.Scenarios.KubernetesClusterSpec { Context = "x", Disposable = true }, TestContext.Current.CancellationToken));

        if (hasSettings)
        {
            Assert.IsType<KubeOperationException>(ex);
            Assert.Contains("cannot reach the API server", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            var unsupported = Assert.IsType<Core.Clusters.ClusterUnsupportedException>(ex);
            Assert.Contains($"no kubernetes.encryption entry '{variant}'", unsupported.Message, StringComparison.Ordinal);
        }
    }
}
