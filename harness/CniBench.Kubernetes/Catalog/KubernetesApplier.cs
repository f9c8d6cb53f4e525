using CniBench.Catalog;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Catalog;

/// <summary>Server-side apply and patches of arbitrary manifest objects through KubernetesClient.</summary>
internal static class KubernetesApplier
{
    public const string FieldManager = "cnibench";

    public static async Task ApplyAsync(IKubernetes client, ManifestObject obj, CancellationToken cancellationToken)
    {
        var patch = new V1Patch(obj.Body.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        await SendAsync(client, obj.Group, obj.Version, obj.Kind, obj.Plural, obj.Namespace, obj.Name, patch, force: true, cancellationToken);
    }

    public static async Task PatchAsync(IKubernetes client, ResourcePatchSpec spec, CancellationToken cancellationToken)
    {
        var probe = new ManifestObject(spec.ApiVersion, spec.Kind, spec.Namespace, spec.Name, []);
        var type = spec.Type == PatchType.Strategic ? V1Patch.PatchType.StrategicMergePatch : V1Patch.PatchType.MergePatch;
        await SendAsync(client, probe.Group, probe.Version, probe.Kind, probe.Plural, spec.Namespace, spec.Name, new V1Patch(spec.Patch, type), force: null, cancellationToken);
    }

    // The core group has its own URL root (/api/v1), which the custom-objects client cannot address; the catalog's
    // manifests use only these core kinds.
    private static async Task SendAsync(
        IKubernetes client, string group, string version, string kind, string plural, string? ns, string name, V1Patch patch, bool? force, CancellationToken ct)
    {
        if (group.Length == 0)
        {
            _ = (kind, ns) switch
            {
                ("Namespace", _) => await client.CoreV1.PatchNamespaceAsync(patch, name, fieldManager: FieldManager, force: force, cancellationToken: ct) as object,
                ("ServiceAccount", { } n) => await client.CoreV1.PatchNamespacedServiceAccountAsync(patch, name, n, fieldManager: FieldManager, force: force, cancellationToken: ct),
                ("ConfigMap", { } n) => await client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, n, fieldManager: FieldManager, force: force, cancellationToken: ct),
                ("Secret", { } n) => await client.CoreV1.PatchNamespacedSecretAsync(patch, name, n, fieldManager: FieldManager, force: force, cancellationToken: ct),
                ("Service", { } n) => await client.CoreV1.PatchNamespacedServiceAsync(patch, name, n, fieldManager: FieldManager, force: force, cancellationToken: ct),
                _ => throw new NotSupportedException($"core kind {kind} {ns}/{name} is not supported by the catalog installer"),
            };
            return;
        }

        if (ns is null)
        {
            await client.CustomObjects.PatchClusterCustomObjectAsync(patch, group, version, plural, name, fieldManager: FieldManager, force: force, cancellationToken: ct);
        }
        else
        {
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, group, version, ns, plural, name, fieldManager: FieldManager, force: force, cancellationToken: ct);
        }
    }
}
