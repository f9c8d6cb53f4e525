using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CniBench.TestSupport.Loopback;

/// <summary>
/// An HTTP server on a free 127.0.0.1 port that answers every request with one handler: an API server or download
/// site a test scripts, or a backend a proxy under test routes to.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
        BaseUrl = app.Urls.First();
        Port = new Uri(BaseUrl).Port;
    }

    public string BaseUrl { get; }

    public int Port { get; }

    public static async Task<LoopbackServer> StartAsync(RequestDelegate handler, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(cancellationToken);
        return new LoopbackServer(app);
    }

    /// <summary>A backend that answers every request with <paramref name="body"/>.</summary>
    public static Task<LoopbackServer> AnsweringAsync(string body, CancellationToken cancellationToken) =>
        StartAsync(context => context.Response.WriteAsync(body, context.RequestAborted), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Loopback ports for programs a test starts itself.</summary>
public static class LoopbackPorts
{
    /// <summary>A port free on 127.0.0.1 at the time of the call (the listener that found it is closed again).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
