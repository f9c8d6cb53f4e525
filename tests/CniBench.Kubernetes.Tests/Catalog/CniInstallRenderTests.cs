using CniBench.Kubernetes.Catalog;

namespace CniBench.Kubernetes.Tests.Catalog;

public sealed class CniInstallRenderTests
{
    [Theory]
    [InlineData("upgrade", "upgrade")]
    [InlineData("https://helm.cilium.io/", "https://helm.cilium.io/")]
    [InlineData("ipam.mode=kubernetes", "ipam.mode=kubernetes")]
    [InlineData("list={a,b}", "'list={a,b}'")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    public void ShellQuote_Argument_QuotesOnlyWhatAShellWouldChange(string argument, string expected)
    {
        Assert.Equal(expected, CniInstallRender.ShellQuote(argument));
    }

    [Fact]
    public void ToYaml_UnpinnedManifest_SaysItCannotBeShown()
    {
        var weave = CatalogTestSupport.Catalog["weavenet"];

        var text = CniInstallRender.ToYaml(weave, "/nonexistent/cnb-cache", kubeconfig: null, context: null);

        Assert.Contains("no sha256 pinned", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.StartsWith("#", line, StringComparison.Ordinal));
    }

    [Fact]
    public void ReadCached_EntryWithWrongContent_ReturnsNullAndKeepsFile()
    {
        var cache = Path.Combine(Path.GetTempPath(), "cnibench-render-cache", Guid.NewGuid().ToString("N"));
        var sha = new string('b', 64);
        try
        {
            Directory.CreateDirectory(Path.Combine(cache, "manifests"));
            File.WriteAllText(ManifestDownloader.CachePathIn(cache, sha), "kind: Namespace\n");

            Assert.Null(ManifestDownloader.ReadCached(cache, sha));
            Assert.True(File.Exists(ManifestDownloader.CachePathIn(cache, sha)));
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }
}
