using System.Security.Cryptography.X509Certificates;
using Yarp.ReverseProxy.Configuration;

namespace CniBench.Ingress.Yarp;

/// <summary>Builds the controller: Kestrel tuned for a proxy benchmark, YARP fed by <see cref="IngressProxyConfigProvider"/>.</summary>
public static class IngressHost
{
    /// <exception cref="IngressConfigException">The initial configuration is invalid: the controller does not start.</exception>
    public static WebApplication Build(IngressHostOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Listen.Count + options.TlsListen.Count == 0)
        {
            throw new ArgumentException("give at least one --listen or --tls-listen address", nameof(options));
        }

        if (options.TlsListen.Count > 0 && (options.TlsCertificatePath is null || options.TlsKeyPath is null))
        {
            throw new ArgumentException("--tls-listen needs --tls-cert and --tls-key", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        // No request logging: per-request log lines would cost more than the proxying being measured.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("CniBench", LogLevel.Information);

        var certificate = options.TlsListen.Count > 0
            ? X509Certificate2.CreateFromPemFile(options.TlsCertificatePath!, options.TlsKeyPath)
            : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            foreach (var endpoint in options.Listen)
            {
                kestrel.Listen(endpoint);
            }

            foreach (var endpoint in options.TlsListen)
            {
                kestrel.Listen(endpoint, listen => listen.UseHttps(certificate!));
            }
        });

        var provider = new IngressProxyConfigProvider();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton<IProxyConfigProvider>(provider);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngressInputWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngressInputWatcher>());
        builder.Services.AddReverseProxy();

        var app = builder.Build();
        // Validate before listening: a bad Ingress or endpoints file is a configuration error, not a running proxy.
        app.Services.GetRequiredService<IngressInputWatcher>().LoadInitial();
        app.MapReverseProxy();
        return app;
    }
}
