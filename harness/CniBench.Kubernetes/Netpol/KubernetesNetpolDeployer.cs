using System.Net;
using CniBench.Kubernetes.Workloads;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using k8s;

namespace CniBench.Kubernetes.Netpol;

/// <summary>
/// Places the policy model on the agnhost pods the workload set already deployed (namespaces
/// <c>&lt;run-ns&gt;-x/y/z</c>, pods a, b, c), and returns the model with the pods' real IPs.
/// </summary>
public static class KubernetesNetpolDeployer
{
    public static async Task<NetpolDeployment> DeployAsync(
        IKubernetes client, string cluster, string runId, string runNamespace, ClusterModel model, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(model);
        if (!IsDefaultShape(model))
        {
            throw new NotSupportedException(
                "custom models run on the lab only for now: on Kubernetes the workload set deploys the default model (namespaces x, y, z; pods a, b, c; TCP and UDP on 80 and 81)");
        }

        var run = KubeLabels.LabelValue(runId);
        var locations = new Dictionary<string, PodLocation>(StringComparer.Ordinal);
        var pods = new List<PodModel>();
        var addresses = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var podNodes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var modelNamespace in model.Namespaces)
        {
            var real = await FindNamespaceAsync(client, cluster, run, runNamespace, modelNamespace.Name, cancellationToken);
            var list = await KubeErrors.GuardAsync(
                () => client.CoreV1.ListNamespacedPodAsync(real, cancellationToken: cancellationToken),
                cluster,
                $"listing the policy model's pods in namespace {real}");
            foreach (var pod in model.Pods.Where(p => p.Namespace == modelNamespace.Name))
            {
                var found = list.Items.FirstOrDefault(p => p.Metadata.Name == pod.Name)
                    ?? throw new KubeOperationException($"cluster '{cluster}' has no pod {real}/{pod.Name} for model pod {pod.Id}; was the run's workload set deployed?");
                var ip = found.Status?.PodIP is { } text && IPAddress.TryParse(text, out var parsed)
                    ? parsed
                    : throw new KubeOperationException($"pod {real}/{pod.Name} on cluster '{cluster}' has no pod IP yet (phase {found.Status?.Phase ?? "unknown"})");
                locations[pod.Id] = new PodLocation(real, pod.Name);

                // The agnhost pods serve no SCTP (porter would need the node's sctp module, which clusters rarely load), so
                // the placed model has no SCTP port: an SCTP case is then reported "not tested", never passed.
                pods.Add(pod with { Ip = ip, Ports = [.. pod.Ports.Where(p => p.Protocol != NetpolProtocol.Sctp)] });
                addresses[pod.Id] = ip;
                if (found.Spec?.NodeName is { Length: > 0 } node)
                {
                    podNodes[pod.Id] = node;
                }
            }
        }

        var placed = new ClusterModel(model.Namespaces, pods);
        var prober = new KubernetesProbeEngine(client, cluster, locations, time);
        var enforcer = new KubernetesPolicyEnforcer(client, cluster, runNamespace, runId, [.. model.Namespaces.Select(n => n.Name)]);
        var plan = new AddressPlan(addresses, podNodes, await NodePodRangesAsync(client, cluster, cancellationToken));
        return new NetpolDeployment(placed, prober, enforcer) { Addresses = plan };
    }

    /// <summary>
    /// Each node's Node.spec.podCIDRs (podCIDR on older servers): the range host-local IPAM (flannel, canal, kube-router)
    /// allocates the node's pods from. Calico and Cilium IPAM ignore it; {{node-of …}} then fails to resolve, saying so.
    /// </summary>
    private static async Task<Dictionary<string, IReadOnlyList<IPNetwork>>> NodePodRangesAsync(IKubernetes client, string cluster, CancellationToken cancellationToken)
    {
        var nodes = await KubeErrors.GuardAsync(() => client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken), cluster, "listing nodes for their pod ranges");
        var ranges = new Dictionary<string, IReadOnlyList<IPNetwork>>(StringComparer.Ordinal);
        foreach (var node in nodes.Items)
        {
            var texts = node.Spec?.PodCIDRs is { Count: > 0 } list ? list : node.Spec?.PodCIDR is { } single ? [single] : [];
            ranges[node.Metadata.Name] = [.. texts.Select(t => IPNetwork.TryParse(t, out var network) ? (IPNetwork?)network : null).OfType<IPNetwork>()];
        }

        return ranges;
    }

    /// <summary>True when the model has the default model's namespaces, labels, pods and ports (IPs aside).</summary>
    public static bool IsDefaultShape(ClusterModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var reference = DefaultModel.Create();
        return model.Namespaces.Count == reference.Namespaces.Count
            && model.Namespaces.Zip(reference.Namespaces).All(p => p.First.Name == p.Second.Name && SameLabels(p.First.Labels, p.Second.Labels))
            && model.Pods.Count == reference.Pods.Count
            && model.Pods.Zip(reference.Pods).All(p => p.First.Id == p.Second.Id
                && SameLabels(p.First.Labels, p.Second.Labels)
                && p.First.Ports.SequenceEqual(p.Second.Ports));
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static async Task<string> FindNamespaceAsync(IKubernetes client, string cluster, string run, string runNamespace, string modelNamespace, CancellationToken cancellationToken)
    {
        var selector = $"{KubeLabels.Run}={run},{WorkloadNames.NetpolNamespaceLabel}={modelNamespace}";
        var list = await KubeErrors.GuardAsync(
            () => client.CoreV1.ListNamespaceAsync(labelSelector: selector, cancellationToken: cancellationToken),
            cluster,
            $"listing namespaces labelled {selector}");
        var expected = WorkloadNames.NetpolNamespace(runNamespace, modelNamespace);
        return list.Items.Select(n => n.Metadata.Name).FirstOrDefault(n => n == expected)
            ?? throw new KubeOperationException($"cluster '{cluster}' has no namespace {expected} labelled {selector} for model namespace {modelNamespace}; was the run's workload set deployed?");
    }
}
