using System.Security.Cryptography;
using CniBench.Catalog;

namespace CniBench.Kubernetes.Catalog;

/// <summary>The downloaded manifest does not have the content the catalog pinned.</summary>
public sealed class ManifestHashMismatchException(Uri url, string expected, string actual)
    : Exception($"sha256 mismatch for {url}: the catalog pins {expected}, the download has {actual}; nothing was cached or applied. " +
                "Upstream changed the file or something altered it in transit: check the URL and update the catalog only after verifying the new content.")
{
    public Uri Url { get; } = url;

    public string Expected { get; } = expected;

    public string Actual { get; } = actual;
}

/// <summary>The catalog has no sha256 for a manifest and the run did not allow unverified downloads.</summary>
public sealed class UnverifiedManifestException(Uri url)
    : Exception($"{url} has no sha256 in the catalog, so its content cannot be verified; refusing to download it. Run with --allow-unverified to apply it anyway.")
{
    public Uri Url { get; } = url;
}

/// <summary>
/// Fetches catalog manifests over HTTP, verifies their sha256 and caches verified content by hash, so a second
/// run needs no network and a changed upstream file can never slip in under a pinned hash.
/// </summary>
public sealed class ManifestDownloader(HttpClient http, string cacheDirectory)
{
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(2);

    public string CacheDirectory { get; } = cacheDirectory;

    /// <summary><c>$XDG_CACHE_HOME/cnibench</c>, else <c>~/.cache/cnibench</c>.</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = string.IsNullOrWhiteSpace(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(root, "cnibench");
        }
    }

    /// <summary>Where verified content with this hash lives.</summary>
    public string CachePath(string sha256) => CachePathIn(CacheDirectory, sha256);

    /// <summary>Where verified content with this hash lives in a cache directory.</summary>
    public static string CachePathIn(string cacheDirectory, string sha256) => Path.Combine(cacheDirectory, "manifests", sha256 + ".yaml");

    /// <summary>
    /// The cached text for this hash when present and intact, else null; never downloads and never changes the cache,
    /// so offline readers (render) can use it.
    /// </summary>
    public static string? ReadCached(string cacheDirectory, string sha256)
    {
        var path = CachePathIn(cacheDirectory, sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return Hash(bytes) == sha256 ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }

    /// <summary>
    /// The manifest's text: from the cache when present and intact, else downloaded and verified. A manifest
    /// without a pinned hash is downloaded only when <paramref name="allowUnverified"/>, and never cached.
    /// </summary>
    public async Task<string> GetAsync(ManifestSource source, bool allowUnverified, CancellationToken cancellationToken)
    {
        if (source.Sha256 is null)
        {
            if (!allowUnverified)
            {
                throw new UnverifiedManifestException(source.Url);
            }

            return System.Text.Encoding.UTF8.GetString(await DownloadAsync(source.Url, cancellationToken));
        }

        var path = CachePath(source.Sha256);
        if (File.Exists(path))
        {
            var cached = await File.ReadAllBytesAsync(path, cancellationToken);
            if (Hash(cached) == source.Sha256)
            {
                return System.Text.Encoding.UTF8.GetString(cached);
            }

            // A damaged cache entry is not evidence of anything upstream: drop it and fetch again.
            File.Delete(path);
        }

        var bytes = await DownloadAsync(source.Url, cancellationToken);
        var actual = Hash(bytes);
        if (actual != source.Sha256)
        {
            throw new ManifestHashMismatchException(source.Url, source.Sha256, actual);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    public static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private async Task<byte[]> DownloadAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DownloadTimeout);
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"downloading {url} failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }

            return await response.Content.ReadAsByteArrayAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"downloading {url} did not finish within {DownloadTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            throw new HttpRequestException($"downloading {url} failed: {ex.Message}", ex);
        }
    }
}
