using System.Text;
using CniBench.Core.Catalog;
using CniBench.Kubernetes.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Catalog;

/// <summary>Downloads from a loopback Kestrel server on a random port; the cache lives in a temporary folder.</summary>
public sealed class ManifestDownloaderTests : IAsyncLifetime
{
    private const string Manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n";

    private readonly string _cache = Path.Combine(Path.GetTempPath(), "cnibench-downloader-tests", Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new();
    private WebApplication? _server;
    private int _requests;

    private Uri Url => new(_server!.Urls.First() + "/v1.0.0/demo.yaml");

    private static string Sha => ManifestDownloader.Hash(Encoding.UTF8.GetBytes(Manifest));

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapGet("/v1.0.0/demo.yaml", () =>
        {
            Interlocked.Increment(ref _requests);
            return Results.Text(Manifest, "application/yaml");
        });
        await _server.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_cache))
        {
            Directory.Delete(_cache, recursive: true);
        }
    }

    [Fact]
    public async Task GetAsync_CorrectHash_CachesAndServesSecondCallFromCache()
    {
        var downloader = new ManifestDownloader(_http, _cache);
        var source = new ManifestSource(Url, Sha);

        var first = await downloader.GetAsync(source, allowUnverified: false, TestContext.Current.CancellationToken);
        var second = await downloader.GetAsync(source, allowUnverified: false, TestContext.Current.CancellationToken);

        Assert.Equal(Manifest, first);
        Assert.Equal(Manifest, second);
        Assert.Equal(1, _requests);
        Assert.Equal(Manifest, await File.ReadAllTextAsync(downloader.CachePath(Sha), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task GetAsync_WrongHash_ThrowsAndCachesNothing()
    {
        var downloader = new ManifestDownloader(_http, _cache);
        var wrong = new string('0', 64);

        var ex = await Assert.ThrowsAsync<ManifestHashMismatchException>(() =>
            downloader.GetAsync(new ManifestSource(Url, wrong), allowUnverified: false, TestContext.Current.CancellationToken));

        Assert.Equal(Sha, ex.Actual);
        Assert.Contains(wrong, ex.Message, StringComparison.Ordinal);
        Assert.Contains(Url.AbsoluteUri, ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(downloader.CachePath(wrong)));
        Assert.False(Directory.Exists(_cache) && Directory.EnumerateFiles(_cache, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task GetAsync_CorruptedCacheEntry_DownloadsAgain()
    {
        var downloader = new ManifestDownloader(_http, _cache);
        Directory.CreateDirectory(Path.GetDirectoryName(downloader.CachePath(Sha))!);
        await File.WriteAllTextAsync(downloader.CachePath(Sha), "tampered", TestContext.Current.CancellationToken);

        var text = await downloader.GetAsync(new ManifestSource(Url, Sha), allowUnverified: false, TestContext.Current.CancellationToken);

        Assert.Equal(Manifest, text);
        Assert.Equal(1, _requests);
    }

    [Fact]
    public async Task GetAsync_NoHashWithoutAllowUnverified_RefusesWithoutDownloading()
    {
        var downloader = new ManifestDownloader(_http, _cache);

        var ex = await Assert.ThrowsAsync<UnverifiedManifestException>(() =>
            downloader.GetAsync(new ManifestSource(Url, null), allowUnverified: false, TestContext.Current.CancellationToken));

        Assert.Contains("--allow-unverified", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _requests);
    }

    [Fact]
    public async Task GetAsync_NoHashWithAllowUnverified_DownloadsButDoesNotCache()
    {
        var downloader = new ManifestDownloader(_http, _cache);

        var text = await downloader.GetAsync(new ManifestSource(Url, null), allowUnverified: true, TestContext.Current.CancellationToken);

        Assert.Equal(Manifest, text);
        Assert.False(Directory.Exists(_cache));
    }

    [Fact]
    public async Task GetAsync_NotFound_NamesUrlAndStatus()
    {
        var downloader = new ManifestDownloader(_http, _cache);
        var missing = new Uri(_server!.Urls.First() + "/nope.yaml");

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() =>
            downloader.GetAsync(new ManifestSource(missing, Sha), allowUnverified: false, TestContext.Current.CancellationToken));

        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
        Assert.Contains("nope.yaml", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultCacheDirectory_XdgCacheHomeSet_EndsWithCnibench()
    {
        Assert.Equal("cnibench", Path.GetFileName(ManifestDownloader.DefaultCacheDirectory));
    }
}
