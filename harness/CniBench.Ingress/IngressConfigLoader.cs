using k8s;
using k8s.Models;

namespace CniBench.Ingress;

/// <summary>
/// Turns networking.k8s.io/v1 Ingress objects plus endpoints into one <see cref="IngressConfigSet"/>.
/// Every problem is collected (a backend Service or port that does not exist, bad paths, conflicting rules)
/// and reported together, so a bad Ingress is a configuration error before any load starts.
/// </summary>
public static class IngressConfigLoader
{
    private const string IngressClassAnnotation = "kubernetes.io/ingress.class";

    /// <summary>Reads Ingress YAML from files or directories (every *.yaml / *.yml in it, sorted), ignoring other kinds.</summary>
    /// <param name="ingressClass">When set, only Ingresses of this class (spec.ingressClassName or the legacy annotation) are used.</param>
    /// <exception cref="IngressConfigException">Every error found.</exception>
    public static IngressConfigSet Load(IEnumerable<string> ingressYamlPaths, EndpointsSet endpoints, string? ingressClass = null)
    {
        ArgumentNullException.ThrowIfNull(ingressYamlPaths);
        var errors = new List<IngressConfigError>();
        var ingresses = new List<V1Ingress>();
        foreach (var file in ExpandPaths(ingressYamlPaths, errors))
        {
            try
            {
                ingresses.AddRange(KubernetesYaml.LoadAllFromString(File.ReadAllText(file), typeMap: null, strict: true).OfType<V1Ingress>());
            }
            catch (KeyNotFoundException)
            {
                errors.Add(new IngressConfigError(file, "a document without apiVersion and kind is not a Kubernetes object"));
            }
            catch (Exception e) when (e is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException or IOException)
            {
                errors.Add(new IngressConfigError(file, Innermost(e)));
            }
        }

        if (errors.Count > 0)
        {
            throw new IngressConfigException(errors);
        }

        return Build(ingresses, endpoints, ingressClass);
    }

    /// <summary>The files <see cref="Load"/> reads for these paths, in order (so a watcher can fingerprint them).</summary>
    public static IReadOnlyList<string> ExpandPaths(IEnumerable<string> paths, List<IngressConfigError>? errors = null)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                errors?.Add(new IngressConfigError(path, "no such file or directory"));
            }
        }

        return files;
    }

    /// <exception cref="IngressConfigException">Every error found.</exception>
    public static IngressConfigSet Build(IEnumerable<V1Ingress> ingresses, EndpointsSet endpoints, string? ingressClass = null)
    {
        ArgumentNullException.ThrowIfNull(ingresses);
        ArgumentNullException.ThrowIfNull(endpoints);
        var builder = new Builder(endpoints);
        foreach (var ingress in ingresses.Where(i => ingressClass is null || ClassOf(i) == ingressClass))
        {
            builder.Add(ingress);
        }

        return builder.Finish();
    }

    private static string? ClassOf(V1Ingress ingress) =>
        ingress.Spec?.IngressClassName
        ?? (ingress.Metadata?.Annotations?.TryGetValue(IngressClassAnnotation, out var value) == true ? value : null);

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    private sealed class Builder(EndpointsSet endpoints)
    {
        private readonly List<IngressConfigError> _errors = [];
        private readonly List<IngressRoute> _routes = [];
        private readonly Dictionary<string, BackendCluster> _clusters = new(StringComparer.Ordinal);
        private readonly List<TlsBinding> _tls = [];
        private DefaultBackendRoute? _defaultBackend;

        public void Add(V1Ingress ingress)
        {
            var ns = string.IsNullOrEmpty(ingress.Metadata?.NamespaceProperty) ? "default" : ingress.Metadata.NamespaceProperty;
            var name = ingress.Metadata?.Name ?? "(unnamed)";
            var id = $"{ns}/{name}";
            var spec = ingress.Spec;
            if (spec is null)
            {
                Error($"ingress {id}", "has no spec");
                return;
            }

            if (spec.DefaultBackend is not null)
            {
                var where = $"ingress {id} defaultBackend";
                if (Resolve(spec.DefaultBackend, ns, where) is { } cluster)
                {
                    if (_defaultBackend is not null)
                    {
                        Error(where, $"a default backend is already set by {_defaultBackend.Source}; only one Ingress may set one");
                    }
                    else
                    {
                        _defaultBackend = new DefaultBackendRoute(cluster.ClusterId, $"ingress {id}");
                    }
                }
            }

            var rules = spec.Rules ?? [];
            for (var r = 0; r < rules.Count; r++)
            {
                AddRule(rules[r], id, ns, r);
            }

            var tls = spec.Tls ?? [];
            for (var t = 0; t < tls.Count; t++)
            {
                var hosts = (tls[t].Hosts ?? []).Select(h => h.ToLowerInvariant()).ToList();
                _tls.Add(new TlsBinding(hosts, string.IsNullOrEmpty(tls[t].SecretName) ? null : tls[t].SecretName, $"ingress {id} tls[{t}]"));
            }

            if (spec.DefaultBackend is null && rules.Count == 0)
            {
                Error($"ingress {id}", "has neither rules nor a defaultBackend");
            }
        }

        private void AddRule(V1IngressRule rule, string id, string ns, int r)
        {
            var host = string.IsNullOrEmpty(rule.Host) ? null : rule.Host.ToLowerInvariant();
            var ruleWhere = $"ingress {id} rules[{r}]" + (host is null ? string.Empty : $" (host {host})");
            if (host is not null && !ValidHost(host))
            {
                Error(ruleWhere, $"host '{host}' is not a DNS name; a wildcard is allowed only as the whole first label ('*.example.com')");
                return;
            }

            var paths = rule.Http?.Paths ?? [];
            if (paths.Count == 0)
            {
                Error(ruleWhere, "has no http.paths");
                return;
            }

            for (var p = 0; p < paths.Count; p++)
            {
                var path = paths[p];
                var where = $"{ruleWhere} http.paths[{p}]" + (path.Path is null ? string.Empty : $" (path {path.Path})");
                if (ParseMatch(path.PathType, where) is not { } match)
                {
                    continue;
                }

                var text = string.IsNullOrEmpty(path.Path) ? "/" : path.Path;
                if (!text.StartsWith('/') || text.Contains('{', StringComparison.Ordinal) || text.Contains('}', StringComparison.Ordinal)
                    || text.Any(char.IsWhiteSpace) || text.Contains(';', StringComparison.Ordinal))
                {
                    Error(where, "a path must start with '/' and contain no whitespace, ';', '{' or '}'");
                    continue;
                }

                if (match == PathMatch.Prefix && text.Length > 1)
                {
                    // Kubernetes ignores a trailing '/' of a Prefix path: "/foo/" and "/foo" are the same rule.
                    text = text.TrimEnd('/');
                    text = text.Length == 0 ? "/" : text;
                }

                if (Resolve(path.Backend, ns, where) is not { } cluster)
                {
                    continue;
                }

                var clash = _routes.FirstOrDefault(x => x.Host == host && x.Path == text && x.Match == match);
                if (clash is not null)
                {
                    Error(where, $"the same host, path and pathType as {clash.Source}");
                    continue;
                }

                _routes.Add(new IngressRoute($"{id}/r{r}/p{p}", host, text, match, cluster.ClusterId, Order: 0, where));
            }
        }

        private PathMatch? ParseMatch(string? pathType, string where)
        {
            switch (pathType)
            {
                case "Exact":
                    return PathMatch.Exact;
                case "Prefix":
                // Implementation-specific matching is ours to define: like ingress-nginx, a prefix.
                case "ImplementationSpecific":
                    return PathMatch.Prefix;
                case null or "":
                    Error(where, "pathType is required (Exact, Prefix or ImplementationSpecific)");
                    return null;
                default:
                    Error(where, $"pathType '{pathType}' is not Exact, Prefix or ImplementationSpecific");
                    return null;
            }
        }

        private BackendCluster? Resolve(V1IngressBackend? backend, string ns, string where)
        {
            if (backend?.Service is not { } service)
            {
                Error(where, backend?.Resource is not null
                    ? "resource backends are not supported; name a Service"
                    : "the backend names no Service");
                return null;
            }

            var portText = service.Port?.Number is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : service.Port?.Name;
            if (portText is null)
            {
                Error(where, $"the backend Service '{service.Name}' names no port");
                return null;
            }

            if (endpoints.Find(ns, service.Name) is not { } found)
            {
                Error(where, $"routes to Service '{ns}/{service.Name}', which does not exist");
                return null;
            }

            if (found.FindPort(service.Port?.Number, service.Port?.Name) is not { } port)
            {
                var known = string.Join(", ", found.Ports.Select(p => p.Name is null ? p.Key : $"{p.Name}/{p.Key}"));
                Error(where, $"routes to port {portText} of Service '{ns}/{service.Name}', which has no such port (it has: {(known.Length == 0 ? "none" : known)})");
                return null;
            }

            var clusterId = $"{ns}/{service.Name}:{port.Key}";
            if (!_clusters.TryGetValue(clusterId, out var cluster))
            {
                cluster = new BackendCluster(clusterId, ns, service.Name, port.Key, port.Endpoints);
                _clusters.Add(clusterId, cluster);
            }

            return cluster;
        }

        public IngressConfigSet Finish()
        {
            if (_errors.Count > 0)
            {
                throw new IngressConfigException(_errors);
            }

            // One match order for every controller, as ingress-nginx resolves locations: exact paths before prefixes,
            // longer prefixes first; on a tie the more specific host wins.
            var ordered = _routes
                .OrderBy(x => x.Match)
                .ThenByDescending(x => x.Path.Length)
                .ThenBy(x => x.HostKind)
                .ThenBy(x => x.Host, StringComparer.Ordinal)
                .ThenBy(x => x.Path, StringComparer.Ordinal)
                .Select((x, i) => x with { Order = i })
                .ToList();
            var clusters = _clusters.Values.OrderBy(c => c.ClusterId, StringComparer.Ordinal).ToList();
            return new IngressConfigSet(ordered, clusters, _defaultBackend, _tls);
        }

        private void Error(string where, string message) => _errors.Add(new IngressConfigError(where, message));

        private static bool ValidHost(string host)
        {
            var labels = host.Split('.');
            return labels.Length >= 1 && labels.Select((label, i) => (label, i)).All(x =>
                (x.i == 0 && x.label == "*" && labels.Length > 1)
                || (x.label.Length is > 0 and <= 63
                    && x.label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                    && x.label[0] != '-' && x.label[^1] != '-'));
        }
    }
}
