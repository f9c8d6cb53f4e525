using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests;

/// <summary>An HTTP server on a free loopback port that answers every request with one handler: the API server (or download site) a test scripts.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl => _app.Urls.First();

    public static async Task<LoopbackServer> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return new LoopbackServer(app);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
