using System.Collections.Concurrent;
using System.Net;
using CniBench.Kubernetes.Tests.Fakes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace CniBench.Kubernetes.Tests.Netpol;

/// <summary>NetworkPolicy create (server-side apply), list by label and delete, served through the fake's extra routes.</summary>
internal sealed class FakeNetworkPolicies
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), V1NetworkPolicy> _policies = new();

    public FakeNetworkPolicies(FakeKubeApiServer server) => server.ExtraRoutes.Add(RouteAsync);

    public ConcurrentQueue<string> Deleted { get; } = new();

    public IReadOnlyList<V1NetworkPolicy> All => [.. _policies.Values.OrderBy(p => p.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>A policy someone else made (e.g. by hand), which clearing must leave alone.</summary>
    public void Add(V1NetworkPolicy policy) => _policies[(policy.Metadata.NamespaceProperty, policy.Metadata.Name)] = policy;

    private async Task<bool> RouteAsync(HttpContext http, string[] parts)
    {
        switch (http.Request.Method, parts)
        {
            case ("PATCH", ["apis", "networking.k8s.io", "v1", "namespaces", var ns, "networkpolicies", var name]):
                if (http.Request.ContentType?.StartsWith("application/apply-patch", StringComparison.Ordinal) != true || http.Request.Query["fieldManager"] != KubeLabels.FieldManager)
                {
                    await FakeKubeApiServer.WriteStatusAsync(http, HttpStatusCode.BadRequest, "expected a server-side apply by cnibench");
                    return true;
                }

                var policy = KubernetesJson.Deserialize<V1NetworkPolicy>(await FakeKubeApiServer.ReadBodyAsync(http));
                policy.Metadata.NamespaceProperty = ns;
                _policies[(ns, name)] = policy;
                await FakeKubeApiServer.WriteJsonAsync(http, policy);
                return true;
            case ("GET", ["apis", "networking.k8s.io", "v1", "namespaces", var ns, "networkpolicies"]):
                var selector = http.Request.Query["labelSelector"].ToString();
                var items = _policies.Values.Where(p => p.Metadata.NamespaceProperty == ns && Matches(p.Metadata.Labels, selector)).ToList();
                await FakeKubeApiServer.WriteJsonAsync(http, new V1NetworkPolicyList { Items = items });
                return true;
            case ("DELETE", ["apis", "networking.k8s.io", "v1", "namespaces", var ns, "networkpolicies", var name]):
                if (!_policies.TryRemove((ns, name), out _))
                {
                    await FakeKubeApiServer.WriteStatusAsync(http, HttpStatusCode.NotFound, $"networkpolicies \"{name}\" not found");
                    return true;
                }

                Deleted.Enqueue($"{ns}/{name}");
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}""", http.RequestAborted);
                return true;
            default:
                return false;
        }
    }

    private static bool Matches(IDictionary<string, string>? labels, string selector) =>
        string.IsNullOrEmpty(selector) || selector.Split(',').All(term => term.Split('=', 2) is [var key, var value] && labels?.TryGetValue(key, out var actual) == true && actual == value);
}
