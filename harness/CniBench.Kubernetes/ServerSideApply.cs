using k8s;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>Server-side apply (field manager <c>cnibench</c>, forced) of the object kinds workload sets render.</summary>
internal static class ServerSideApply
{
    public static async Task ApplyAsync(IKubernetes client, string cluster, IKubernetesObject item, string defaultNamespace, CancellationToken cancellationToken)
    {
        if (item is not IMetadata<V1ObjectMeta> { Metadata.Name: { Length: > 0 } name } withMeta || string.IsNullOrEmpty(item.ApiVersion) || string.IsNullOrEmpty(item.Kind))
        {
            throw new ArgumentException($"a workload object lacks apiVersion, kind or metadata.name ({item.GetType().Name})", nameof(item));
        }

        var ns = withMeta.Metadata.NamespaceProperty ?? defaultNamespace;
        withMeta.Metadata.NamespaceProperty = item is V1Namespace ? null : ns;
        var patch = new V1Patch(item, V1Patch.PatchType.ApplyPatch);
        const string manager = KubeLabels.FieldManager;
        var what = item is V1Namespace ? $"applying Namespace {name}" : $"applying {item.Kind} {ns}/{name}";
        await KubeErrors.GuardAsync(
            () => item switch
            {
                V1Namespace => client.CoreV1.PatchNamespaceAsync(patch, name, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1Pod => client.CoreV1.PatchNamespacedPodAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1Service => client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1ConfigMap => client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1ServiceAccount => client.CoreV1.PatchNamespacedServiceAccountAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1Deployment => client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1DaemonSet => client.AppsV1.PatchNamespacedDaemonSetAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1NetworkPolicy => client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                V1Ingress => client.NetworkingV1.PatchNamespacedIngressAsync(patch, name, ns, fieldManager: manager, force: true, cancellationToken: cancellationToken),
                _ => Task.FromException<object>(new NotSupportedException($"CniBench cannot apply {item.Kind} ({item.GetType().Name}) yet")),
            },
            cluster,
            what);
    }

    /// <summary>The namespaces the objects land in, for waiting on their pods.</summary>
    public static IReadOnlyList<string> Namespaces(IEnumerable<IKubernetesObject> items, string defaultNamespace) =>
        [.. items.Where(i => i is not V1Namespace).Select(i => (i as IMetadata<V1ObjectMeta>)?.Metadata?.NamespaceProperty ?? defaultNamespace).Distinct(StringComparer.Ordinal)];
}
