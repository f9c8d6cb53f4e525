using k8s;
using k8s.Models;

namespace CniBench.Ingress.Yarp;

/// <summary>
/// The in-cluster mode: lists Ingresses, Services and EndpointSlices every poll interval, translates them with
/// <see cref="KubernetesIngressTranslator"/> and swaps the proxy configuration when, and only when, it changed.
/// Listing rather than watching: three list calls every 500 ms are cheap for a benchmark cluster, and a list needs no
/// reconnect, resync or bookmark logic to stay correct. An API error or an invalid configuration is logged once per
/// distinct message and the running configuration keeps serving.
/// </summary>
public sealed partial class KubernetesIngressSource(
    IngressHostOptions options,
    IKubernetes client,
    IngressProxyConfigProvider provider,
    TimeProvider timeProvider,
    ILogger<KubernetesIngressSource> logger) : BackgroundService, IIngressConfigSource
{
    /// <summary>A list that hangs must not stall polling for the client's default 100 s.</summary>
    public static readonly TimeSpan ApiTimeout = TimeSpan.FromSeconds(30);

    private YarpConfig? _applied;
    private string? _lastProblem;
    private int _generation;
    private int _rejected;
    private int _apiErrors;

    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Distinct invalid configurations seen (each logged once) that left the running one in place.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>List calls that failed.</summary>
    public int ApiErrors => Volatile.Read(ref _apiErrors);

    /// <summary>
    /// The client configuration: <paramref name="source"/>'s kubeconfig when given, else the pod's service account
    /// inside a cluster, else the default kubeconfig (KUBECONFIG or ~/.kube/config).
    /// </summary>
    public static KubernetesClientConfiguration ClientConfiguration(KubernetesSourceOptions source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var config = source.KubeconfigPath is { } path
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path)
            : KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        config.HttpClientTimeout = ApiTimeout;
        return config;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PollOnceAsync(stoppingToken);
                await Task.Delay(options.PollInterval, timeProvider, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One list-translate-apply round; true when a new configuration was applied.</summary>
    public async Task<bool> PollOnceAsync(CancellationToken cancellationToken)
    {
        KubernetesSnapshot snapshot;
        try
        {
            snapshot = await ListAsync(cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _apiErrors);
            if (IsNewProblem($"api: {e.Message}"))
            {
                LogApiError(e.GetType().Name, e.Message);
            }

            return false;
        }

        IngressConfigSet config;
        try
        {
            config = KubernetesIngressTranslator.Build(snapshot, options.IngressClass);
        }
        catch (IngressConfigException e)
        {
            if (IsNewProblem(e.Message))
            {
                Interlocked.Increment(ref _rejected);
                LogRejected(e.Errors.Count, e.Message);
            }

            return false;
        }

        _lastProblem = null;
        var yarp = YarpConfigBuilder.Build(config);
        if (_applied is not null && Same(_applied, yarp))
        {
            return false;
        }

        provider.Update(yarp);
        _applied = yarp;
        var generation = Interlocked.Increment(ref _generation);
        var endpoints = config.Clusters.Sum(c => c.Endpoints.Count);
        LogApplied(generation, config.Routes.Count, config.Clusters.Count, endpoints);
        return true;
    }

    private async Task<KubernetesSnapshot> ListAsync(CancellationToken cancellationToken)
    {
        const string sliceSelector = KubernetesIngressTranslator.ServiceNameLabel;
        Task<V1IngressList> ingresses;
        Task<V1ServiceList> services;
        Task<V1EndpointSliceList> slices;
        if (options.Kubernetes?.Namespace is { } ns)
        {
            ingresses = client.NetworkingV1.ListNamespacedIngressAsync(ns, cancellationToken: cancellationToken);
            services = client.CoreV1.ListNamespacedServiceAsync(ns, cancellationToken: cancellationToken);
            slices = client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: sliceSelector, cancellationToken: cancellationToken);
        }
        else
        {
            ingresses = client.NetworkingV1.ListIngressForAllNamespacesAsync(cancellationToken: cancellationToken);
            services = client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancellationToken);
            slices = client.DiscoveryV1.ListEndpointSliceForAllNamespacesAsync(labelSelector: sliceSelector, cancellationToken: cancellationToken);
        }

        await Task.WhenAll(ingresses, services, slices);
        return new KubernetesSnapshot(
            [.. (await ingresses).Items ?? []], [.. (await services).Items ?? []], [.. (await slices).Items ?? []]);
    }

    /// <summary>YARP's config records compare by value, so an unchanged cluster state gives an equal configuration.</summary>
    internal static bool Same(YarpConfig a, YarpConfig b) => a.Routes.SequenceEqual(b.Routes) && a.Clusters.SequenceEqual(b.Clusters);

    private bool IsNewProblem(string problem)
    {
        if (string.Equals(problem, _lastProblem, StringComparison.Ordinal))
        {
            return false;
        }

        _lastProblem = problem;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration {Generation} applied: {Routes} routes, {Clusters} clusters, {Endpoints} endpoints")]
    private partial void LogApplied(int generation, int routes, int clusters, int endpoints);

    [LoggerMessage(Level = LogLevel.Error, Message = "new configuration rejected ({Count} errors), the previous one stays: {Message}")]
    private partial void LogRejected(int count, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "listing the API server failed ({Type}), the previous configuration stays: {Message}")]
    private partial void LogApiError(string type, string message);
}
