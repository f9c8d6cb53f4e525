namespace CniBench.Ingress.Yarp;

/// <summary>
/// Re-reads the Ingress and endpoints files when they change, validates, and swaps the proxy configuration.
/// A bad new configuration is logged and the running one kept. Files are polled (size + modification time) rather
/// than watched with inotify: mounted ConfigMaps change by symlink swaps that inotify watchers often miss.
/// </summary>
public sealed partial class IngressInputWatcher(
    IngressHostOptions options,
    IngressProxyConfigProvider provider,
    TimeProvider timeProvider,
    ILogger<IngressInputWatcher> logger) : BackgroundService, IIngressConfigSource
{
    private string? _fingerprint;
    private int _generation;
    private int _rejected;

    /// <summary>Configurations applied so far (the first load counts).</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Changed inputs that were invalid and left the running configuration in place.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Loads the inputs once; throws when the first configuration is invalid, so the controller does not start.</summary>
    public void LoadInitial()
    {
        _fingerprint = Fingerprint();
        Apply(Load());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var fingerprint = Fingerprint();
                if (string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
                {
                    continue;
                }

                _fingerprint = fingerprint;
                try
                {
                    Apply(Load());
                }
                catch (IngressConfigException e)
                {
                    Interlocked.Increment(ref _rejected);
                    LogRejected(e.Errors.Count, e.Message);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Interlocked.Increment(ref _rejected);
                    LogRejected(1, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private IngressConfigSet Load()
    {
        var endpoints = EndpointsLoader.LoadFile(options.EndpointsPath!);
        return IngressConfigLoader.Load(options.IngressPaths, endpoints, options.IngressClass);
    }

    private void Apply(IngressConfigSet config)
    {
        provider.Update(YarpConfigBuilder.Build(config));
        var generation = Interlocked.Increment(ref _generation);
        var endpoints = config.Clusters.Sum(c => c.Endpoints.Count);
        LogApplied(generation, config.Routes.Count, config.Clusters.Count, endpoints);
    }

    private string Fingerprint()
    {
        var files = IngressConfigLoader.ExpandPaths(options.IngressPaths).Append(options.EndpointsPath!);
        return string.Join('|', files.Select(f =>
        {
            var info = new FileInfo(f);
            return info.Exists ? $"{f}:{info.Length}:{info.LastWriteTimeUtc.Ticks}" : $"{f}:missing";
        }));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration {Generation} applied: {Routes} routes, {Clusters} clusters, {Endpoints} endpoints")]
    private partial void LogApplied(int generation, int routes, int clusters, int endpoints);

    [LoggerMessage(Level = LogLevel.Error, Message = "new configuration rejected ({Count} errors), the previous one stays: {Message}")]
    private partial void LogRejected(int count, string message);
}
