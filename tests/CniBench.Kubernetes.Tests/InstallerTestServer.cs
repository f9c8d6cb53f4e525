using System.Collections.Concurrent;
using System.Text;
using CniBench.Core.Scenarios;
using CniBench.Kubernetes.Catalog;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests;

/// <summary>
/// The set-up an installer test shares: one loopback app that is the manifest host and a minimal API server, a
/// temporary manifest cache with the HttpClient that downloads into it, and a log of every request. Each test
/// class scripts its own routes in <see cref="HandleAsync"/>.
/// </summary>
public abstract class InstallerTestServer : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private LoopbackServer? _server;

    protected InstallerTestServer(string cacheName)
    {
        Cache = Path.Combine(Path.GetTempPath(), cacheName, Guid.NewGuid().ToString("N"));
    }

    /// <summary>Every request in order: "METHOD /path?query content-type".</summary>
    protected ConcurrentQueue<string> Requests { get; } = new();

    protected string Cache { get; }

    protected string BaseUrl => _server!.BaseUrl;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(RecordAndHandleAsync);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(Cache))
        {
            Directory.Delete(Cache, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected abstract Task HandleAsync(HttpContext http);

    protected k8s.Kubernetes Client() => new(new k8s.KubernetesClientConfiguration { Host = BaseUrl });

    protected ManifestDownloader Downloader() => new(_http, Cache);

    protected static KubernetesClusterSpec Cluster(bool disposable) => new() { Context = "kind-demo", Disposable = disposable };

    protected static string Sha(string text) => ManifestDownloader.Hash(Encoding.UTF8.GetBytes(text));

    protected static async Task WriteJsonAsync(HttpContext http, string json)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(json);
    }

    protected static Task NotFoundAsync(HttpContext http)
    {
        http.Response.StatusCode = 404;
        return WriteJsonAsync(http, """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
    }

    protected static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A DaemonSet of two scheduled pods, all or none of them ready and updated.</summary>
    protected static string DaemonSetJson(string ns, string name, bool ready)
    {
        var count = ready ? 2 : 0;
        return $$$"""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","generation":1},"spec":{"selector":{"matchLabels":{"app":"{{{name}}}"} } },"status":{"desiredNumberScheduled":2,"numberReady":{{{count}}},"updatedNumberScheduled":{{{count}}},"currentNumberScheduled":2,"numberMisscheduled":0,"observedGeneration":1}}""";
    }

    private Task RecordAndHandleAsync(HttpContext http)
    {
        var request = http.Request;
        Requests.Enqueue($"{request.Method} {request.Path.Value ?? "/"}{request.QueryString} {request.ContentType}");
        return HandleAsync(http);
    }
}

/// <summary>Collects progress lines synchronously (the installers report from several tasks).</summary>
internal sealed class SyncProgress(List<string> lines) : IProgress<string>
{
    public void Report(string value)
    {
        lock (lines)
        {
            lines.Add(value);
        }
    }
}
