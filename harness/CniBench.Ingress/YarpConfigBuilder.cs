using System.Net;
using System.Net.Sockets;
using Yarp.ReverseProxy.Configuration;

namespace CniBench.Ingress;

/// <summary>The YARP routes and clusters for a configuration set: lists for an IProxyConfigProvider.</summary>
public sealed record YarpConfig(IReadOnlyList<RouteConfig> Routes, IReadOnlyList<ClusterConfig> Clusters);

/// <summary>Pure translation of <see cref="IngressConfigSet"/> into Yarp.ReverseProxy configuration.</summary>
public static class YarpConfigBuilder
{
    /// <summary>Route id of the default backend's catch-all route.</summary>
    public const string DefaultRouteId = "default-backend";

    public static YarpConfig Build(IngressConfigSet config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var routes = config.Routes.Select(r => new RouteConfig
        {
            RouteId = r.RouteId,
            ClusterId = r.ClusterId,
            // ASP.NET routing tries lower Order first and skips candidates whose host does not match,
            // so the model's match order carries over as it is.
            Order = r.Order,
            Match = new RouteMatch
            {
                Hosts = r.Host is null ? null : [r.Host],
                Path = PathTemplate(r.Path, r.Match),
            },
        }).ToList();
        if (config.DefaultBackend is { } fallback)
        {
            routes.Add(new RouteConfig
            {
                RouteId = DefaultRouteId,
                ClusterId = fallback.ClusterId,
                Order = int.MaxValue,
                Match = new RouteMatch { Path = "/{**catch-all}" },
            });
        }

        var clusters = config.Clusters.Select(c => new ClusterConfig
        {
            ClusterId = c.ClusterId,
            // Round robin, like the nginx and HAProxy configurations generated from the same model.
            LoadBalancingPolicy = "RoundRobin",
            Destinations = c.Endpoints
                .Select((e, i) => (Key: $"{c.ClusterId}/{i}", Value: new DestinationConfig { Address = Url(e) }))
                .ToDictionary(x => x.Key, x => x.Value, StringComparer.OrdinalIgnoreCase),
        }).ToList();
        return new YarpConfig(routes, clusters);
    }

    /// <summary>An ASP.NET route template. A catch-all may be empty, so "/foo/{**rest}" matches "/foo" too: element-wise prefix.</summary>
    internal static string PathTemplate(string path, PathMatch match) => match switch
    {
        PathMatch.Exact => path,
        _ when path == "/" => "/{**catch-all}",
        _ => path + "/{**catch-all}",
    };

    private static string Url(IPEndPoint endpoint) => endpoint.AddressFamily == AddressFamily.InterNetworkV6
        ? $"http://[{endpoint.Address}]:{endpoint.Port}"
        : $"http://{endpoint.Address}:{endpoint.Port}";
}
