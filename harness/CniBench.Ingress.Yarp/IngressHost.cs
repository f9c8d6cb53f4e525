using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using Microsoft.AspNetCore.Connections.Features;
using Yarp.ReverseProxy.Configuration;

namespace CniBench.Ingress.Yarp;

/// <summary>Builds the controller: Kestrel tuned for a proxy benchmark, YARP fed by <see cref="IngressProxyConfigProvider"/>.</summary>
public static class IngressHost
{
    /// <summary>Marks connections accepted on a health address: they reach only the health endpoint, never the proxy.</summary>
    private static readonly object HealthConnectionKey = new();

    /// <exception cref="IngressConfigException">The initial configuration (file mode) is invalid: the controller does not start.</exception>
    public static WebApplication Build(IngressHostOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Listen.Count + options.TlsListen.Count == 0)
        {
            throw new ArgumentException("give at least one --listen or --tls-listen address", nameof(options));
        }

        if (options.Kubernetes is null && (options.IngressPaths.Count == 0 || options.EndpointsPath is null))
        {
            throw new ArgumentException("give --ingress and --endpoints, or --kubernetes to read them from the API server", nameof(options));
        }

        if (options.Kubernetes is not null && (options.IngressPaths.Count > 0 || options.EndpointsPath is not null))
        {
            throw new ArgumentException("--kubernetes reads Ingresses and endpoints from the API server: drop --ingress and --endpoints", nameof(options));
        }

        if (options.Kubernetes is not null && string.IsNullOrEmpty(options.IngressClass))
        {
            // Without a class the controller would take every Ingress of the cluster, including other controllers'.
            throw new ArgumentException("--kubernetes needs --ingress-class", nameof(options));
        }

        var kubernetesConfig = options.Kubernetes is { } source ? ClientConfiguration(source) : null;

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

            foreach (var endpoint in options.HealthListen)
            {
                kestrel.Listen(endpoint, listen => listen.Use(next => connection =>
                {
                    connection.Items[HealthConnectionKey] = true;
                    return next(connection);
                }));
            }
        });

        var provider = new IngressProxyConfigProvider();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(provider);
        builder.Services.AddSingleton<IProxyConfigProvider>(provider);
        builder.Services.AddSingleton(TimeProvider.System);
        if (kubernetesConfig is not null)
        {
            builder.Services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(kubernetesConfig));
            builder.Services.AddSingleton<KubernetesIngressSource>();
            builder.Services.AddSingleton<IIngressConfigSource>(sp => sp.GetRequiredService<KubernetesIngressSource>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<KubernetesIngressSource>());
        }
        else
        {
            builder.Services.AddSingleton<IngressInputWatcher>();
            builder.Services.AddSingleton<IIngressConfigSource>(sp => sp.GetRequiredService<IngressInputWatcher>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<IngressInputWatcher>());
        }

        builder.Services.AddReverseProxy();

        var app = builder.Build();
        if (kubernetesConfig is null)
        {
            // Validate before listening: a bad Ingress or endpoints file is a configuration error, not a running proxy.
            // The in-cluster mode starts anyway and keeps listing: its health endpoint says when it has a configuration.
            app.Services.GetRequiredService<IngressInputWatcher>().LoadInitial();
        }

        if (options.HealthListen.Count > 0)
        {
            var configSource = app.Services.GetRequiredService<IIngressConfigSource>();
            app.Use((context, next) => IsHealthConnection(context) ? HealthAsync(context, configSource) : next(context));
        }

        app.MapReverseProxy();
        return app;
    }

    private static bool IsHealthConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(HealthConnectionKey) == true;

    /// <summary>GET /healthz: 200 once a configuration is applied, 503 before; anything else on the health port is 404.</summary>
    private static Task HealthAsync(HttpContext context, IIngressConfigSource source)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != "/healthz")
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var generation = source.Generation;
        context.Response.StatusCode = generation > 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        return context.Response.WriteAsync(
            generation > 0 ? $"ok: configuration {generation}\n" : "no configuration applied yet\n", context.RequestAborted);
    }

    /// <exception cref="ArgumentException">The kubeconfig is missing or unusable.</exception>
    private static KubernetesClientConfiguration ClientConfiguration(KubernetesSourceOptions source)
    {
        try
        {
            return KubernetesIngressSource.ClientConfiguration(source);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"no usable Kubernetes client configuration: {e.Message}", nameof(source), e);
        }
    }
}
