using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;

namespace CniBench.Ingress.Yarp;

/// <summary>
/// Holds the current YARP configuration and swaps it atomically. YARP re-reads on the old snapshot's change token and
/// applies the difference: open client connections and pooled backend connections stay up.
/// </summary>
public sealed class IngressProxyConfigProvider : IProxyConfigProvider, IDisposable
{
    private volatile Snapshot _current = new([], [], new CancellationTokenSource());

    public IProxyConfig GetConfig() => _current;

    public void Update(YarpConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var old = Interlocked.Exchange(ref _current, new Snapshot(config.Routes, config.Clusters, new CancellationTokenSource()));
        old.Signal();
    }

    public void Dispose() => _current.Signal();

    private sealed class Snapshot : IProxyConfig
    {
        private readonly CancellationTokenSource _changed;

        public Snapshot(IReadOnlyList<RouteConfig> routes, IReadOnlyList<ClusterConfig> clusters, CancellationTokenSource changed)
        {
            Routes = routes;
            Clusters = clusters;
            _changed = changed;
            ChangeToken = new CancellationChangeToken(changed.Token);
        }

        public IReadOnlyList<RouteConfig> Routes { get; }

        public IReadOnlyList<ClusterConfig> Clusters { get; }

        public IChangeToken ChangeToken { get; }

        // Not disposed: YARP may still register on the token after the signal, which a disposed source would refuse.
        public void Signal() => _changed.Cancel();
    }
}
