using System.Globalization;
using k8s;
using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>What run.json records about a real cluster: versions, nodes, and the CNI images actually running.</summary>
internal static class ClusterFacts
{
    public static async Task<IReadOnlyDictionary<string, string>> CollectAsync(
        IKubernetes client, string context, string server, string cni, IReadOnlyList<V1Node> nodes, CancellationToken cancellationToken)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kubernetes.context"] = context,
            ["kubernetes.server"] = server,
            ["kubernetes.node_count"] = nodes.Count.ToString(CultureInfo.InvariantCulture),
        };
        var version = await KubeErrors.GuardAsync(() => client.Version.GetCodeAsync(cancellationToken), context, "reading the server version");
        facts["kubernetes.server_version"] = version.GitVersion ?? "unknown";
        foreach (var node in nodes)
        {
            var info = node.Status?.NodeInfo;
            var name = node.Metadata.Name;
            facts[$"node.{name}.kernel"] = info?.KernelVersion ?? "unknown";
            facts[$"node.{name}.os_image"] = info?.OsImage ?? "unknown";
            facts[$"node.{name}.container_runtime"] = info?.ContainerRuntimeVersion ?? "unknown";
            facts[$"node.{name}.kubelet"] = info?.KubeletVersion ?? "unknown";
        }

        if (cni != Core.Measurements.Underlay.Name)
        {
            var pods = await KubeErrors.GuardAsync(() => client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancellationToken), context, "listing pods to find the CNI's images");
            facts["cni.images"] = CniImages(pods.Items, cni) is { Count: > 0 } images ? string.Join(' ', images) : "none found";
        }

        return facts;
    }

    /// <summary>Images whose reference names the CNI (e.g. <c>quay.io/cilium/cilium:v1.18.2</c>); distinct and sorted.</summary>
    internal static IReadOnlyList<string> CniImages(IEnumerable<V1Pod> pods, string cni) =>
    [
        .. pods
            .SelectMany(p => (p.Spec?.Containers ?? []).Concat(p.Spec?.InitContainers ?? []))
            .Select(c => c.Image)
            .Where(image => image is not null && image.Contains(cni, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal),
    ];
}
