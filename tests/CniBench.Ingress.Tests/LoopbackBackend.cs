using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CniBench.Ingress.Tests;

/// <summary>An HTTP server on 127.0.0.1 (a free port) that answers every request with one fixed body: a backend a proxy under test routes to.</summary>
internal sealed record LoopbackBackend(WebApplication App, int Port) : IAsyncDisposable
{
    public static async Task<LoopbackBackend> StartAsync(string body, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(body, context.RequestAborted));
        await app.StartAsync(ct);
        return new LoopbackBackend(app, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
