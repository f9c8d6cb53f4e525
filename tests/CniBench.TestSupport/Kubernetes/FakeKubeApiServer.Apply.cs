using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace CniBench.TestSupport.Kubernetes;

/// <summary>
/// Server-side apply as the API server checks it where the harness depends on it: every applied field belongs to the
/// manager that set it; another manager setting it to a different value is a 409 conflict unless it forces; a pod's
/// spec cannot change except the images (422); nothing new is created in a Terminating namespace (403).
/// </summary>
public sealed partial class FakeKubeApiServer
{
    private readonly Dictionary<string, Dictionary<string, (string Manager, string Value)>> _fieldOwners = new(StringComparer.Ordinal);

    /// <summary>Who owns each applied field of the object at an API path (e.g. <c>/api/v1/namespaces/x/pods/p</c>).</summary>
    public IReadOnlyDictionary<string, string> FieldManagers(string objectPath)
    {
        lock (_gate)
        {
            return _fieldOwners.TryGetValue(objectPath, out var owners)
                ? owners.ToDictionary(o => o.Key, o => o.Value.Manager, StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    /// <summary>Marks a namespace Terminating until <see cref="NamespaceDeletionDelay"/> has passed (as a deletion does).</summary>
    public bool IsTerminating(string ns)
    {
        lock (_gate)
        {
            return _namespaces.TryGetValue(ns, out var found) && found.Status?.Phase == "Terminating";
        }
    }

    private async Task ApplyAsync<T>(HttpContext http, Func<T, object> accept)
    {
        var request = http.Request;
        var manager = request.Query["fieldManager"].ToString();
        if (request.ContentType?.StartsWith("application/apply-patch+yaml", StringComparison.Ordinal) != true || manager.Length == 0)
        {
            await WriteStatusAsync(http, HttpStatusCode.BadRequest, $"expected a server-side apply (application/apply-patch+yaml) with a fieldManager, got {request.ContentType} {request.QueryString}");
            return;
        }

        var text = await ReadBodyAsync(http);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(JsonNode.Parse(text), string.Empty, fields);
        var force = request.Query["force"] is ["true"];
        var key = request.Path.Value ?? string.Empty;
        List<string> conflicts;
        lock (_gate)
        {
            var owners = _fieldOwners.TryGetValue(key, out var known) ? known : [];
            conflicts = [.. fields
                .Where(f => owners.TryGetValue(f.Key, out var owner) && owner.Manager != manager && owner.Value != f.Value)
                .Select(f => $"conflict with \"{owners[f.Key].Manager}\": {f.Key}")];
        }

        if (conflicts.Count > 0 && !force)
        {
            // The wording of k8s.io/apimachinery's merge conflict errors, as kubectl shows them.
            await WriteStatusAsync(http, HttpStatusCode.Conflict, $"Apply failed with {conflicts.Count} conflict{(conflicts.Count == 1 ? "" : "s")}: {string.Join("; ", conflicts)}");
            return;
        }

        var result = accept(KubernetesJson.Deserialize<T>(text));
        if (result is RefusedApply refused)
        {
            await WriteStatusAsync(http, refused.Code, refused.Message);
            return;
        }

        lock (_gate)
        {
            var owners = _fieldOwners.TryGetValue(key, out var known) ? known : _fieldOwners[key] = new(StringComparer.Ordinal);
            foreach (var field in fields)
            {
                owners[field.Key] = (manager, field.Value);
            }
        }

        await WriteJsonAsync(http, result);
    }

    /// <summary>The leaf fields of an applied object as paths (<c>.spec.ports[0].port</c>), without its identity.</summary>
    private static void Flatten(JsonNode? node, string path, Dictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (name, value) in map)
                {
                    if (path.Length == 0 && name is "apiVersion" or "kind" || path == ".metadata" && name is "name" or "namespace")
                    {
                        continue;
                    }

                    Flatten(value, $"{path}.{name}", fields);
                }

                break;
            case JsonArray list:
                for (var i = 0; i < list.Count; i++)
                {
                    Flatten(list[i], $"{path}[{i}]", fields);
                }

                break;
            default:
                fields[path] = node?.ToJsonString() ?? "null";
                break;
        }
    }

    /// <summary>
    /// Pod updates may change only the images (and a few fields CniBench never sets): the API server's validation
    /// refuses the rest with 422 (kubernetes/kubernetes pkg/apis/core/validation/validation.go, ValidatePodUpdate).
    /// </summary>
    private RefusedApply? ImmutablePodFieldChanged(string ns, V1Pod pod)
    {
        V1Pod? existing;
        lock (_gate)
        {
            _pods.TryGetValue($"{ns}/{pod.Metadata.Name}", out existing);
        }

        if (existing?.Spec is null || pod.Spec is null || SpecWithoutImages(existing.Spec) == SpecWithoutImages(pod.Spec))
        {
            return null;
        }

        return new RefusedApply(
            (HttpStatusCode)422,
            $"Pod \"{pod.Metadata.Name}\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
    }

    private static string SpecWithoutImages(V1PodSpec spec)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(spec))!.AsObject();
        foreach (var container in node["containers"]?.AsArray() ?? [])
        {
            container?.AsObject().Remove("image");
        }

        node.Remove("nodeName");
        return node.ToJsonString();
    }

    /// <summary>
    /// The NamespaceLifecycle admission plugin: no new content in a namespace being deleted
    /// (kubernetes/kubernetes plugin/pkg/admission/namespace/lifecycle/admission.go answers 403 Forbidden).
    /// </summary>
    private string? TerminatingNamespaceRefuses(string method, string[] parts)
    {
        if (method is not ("POST" or "PATCH" or "PUT"))
        {
            return null;
        }

        var at = Array.IndexOf(parts, "namespaces");
        if (at < 0 || at + 2 >= parts.Length || !IsTerminating(parts[at + 1]))
        {
            return null;
        }

        var resource = parts[at + 2];
        var name = at + 3 < parts.Length ? parts[at + 3] : string.Empty;
        return $"{resource} \"{name}\" is forbidden: unable to create new content in namespace {parts[at + 1]} because it is being terminated";
    }

    private sealed record RefusedApply(HttpStatusCode Code, string Message);
}
