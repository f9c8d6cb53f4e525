using CniBench.Catalog;
using CniBench.Kubernetes.Catalog;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Catalog;

/// <summary>Downloads from a loopback Kestrel server on a random port; the cache lives in a temporary folder.</summary>
public sealed class ManifestDownloaderTests() : InstallerTestServer("cnibench-downloader-tests")
{
    private const string Manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n";

    private int _downloads;

    private Uri Url => new(BaseUrl + "/v1.0.0/demo.yaml");

    private static string ManifestSha => Sha(Manifest);

    [Fact]
    public async Task GetAsync_CorrectHash_CachesAndServesSecondCallFromCache()
    {
        var downloader = Downloader();
        var source = new ManifestSource(Url, ManifestSha);

        var first = await downloader.GetAsync(source, allowUnverified: false, Ct);
        var second = await downloader.GetAsync(source, allowUnverified: false, Ct);

        Assert.Equal(Manifest, first);
        Assert.Equal(Manifest, second);
        Assert.Equal(1, _downloads);
        Assert.Equal(Manifest, await File.ReadAllTextAsync(downloader.CachePath(ManifestSha), Ct));
    }

    [Fact]
    public async Task GetAsync_WrongHash_ThrowsAndCachesNothing()
    {
        var downloader = Downloader();
        var wrong = new string('0', 64);

        var ex = await Assert.ThrowsAsync<ManifestHashMismatchException>(() =>
            downloader.GetAsync(new ManifestSource(Url, wrong), allowUnverified: false, Ct));

        Assert.Equal(ManifestSha, ex.Actual);
        Assert.Contains(wrong, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Url.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(downloader.CachePath(wrong)));
        Assert.False(Directory.Exists(Cache) && Directory.EnumerateFiles(Cache, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task GetAsync_CorruptedCacheEntry_DownloadsAgain()
    {
        var downloader = Downloader();
        Directory.CreateDirectory(Path.GetDirectoryName(downloader.CachePath(ManifestSha))!);
        await File.WriteAllTextAsync(downloader.CachePath(ManifestSha), "tampered", Ct);

        var text = await downloader.GetAsync(new ManifestSource(Url, ManifestSha), allowUnverified: false, Ct);

        Assert.Equal(Manifest, text);
        Assert.Equal(1, _downloads);
    }

    [Fact]
    public async Task GetAsync_NoHashWithoutAllowUnverified_RefusesWithoutDownloading()
    {
        var downloader = Downloader();

        var ex = await Assert.ThrowsAsync<UnverifiedManifestException>(() =>
            downloader.GetAsync(new ManifestSource(Url, null), allowUnverified: false, Ct));

        Assert.Contains("--allow-unverified", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _downloads);
    }

    [Fact]
    public async Task GetAsync_NoHashWithAllowUnverified_DownloadsButDoesNotCache()
    {
        var downloader = Downloader();

        var text = await downloader.GetAsync(new ManifestSource(Url, null), allowUnverified: true, Ct);

        Assert.Equal(Manifest, text);
        Assert.False(Directory.Exists(Cache));
    }

    [Fact]
    public async Task GetAsync_NotFound_NamesUrlAndStatus()
    {
        var downloader = Downloader();
        var missing = new Uri(BaseUrl + "/nope.yaml");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() =>
            downloader.GetAsync(new ManifestSource(missing, ManifestSha), allowUnverified: false, Ct));

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nope.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultCacheDirectory_XdgCacheHomeSet_EndsWithCnibench()
    {
        Assert.Equal("cnibench", Path.GetFileName(ManifestDownloader.DefaultCacheDirectory));
    }

    protected override async Task HandleAsync(HttpContext http)
    {
        if (http.Request is { Method: "GET", Path.Value: "/v1.0.0/demo.yaml" })
        {
            Interlocked.Increment(ref _downloads);
            http.Response.ContentType = "application/yaml";
            await http.Response.WriteAsync(Manifest);
            return;
        }

        await NotFoundAsync(http);
    }
}
