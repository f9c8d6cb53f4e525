using k8s;

namespace CniBench.Kubernetes.Preflight;

/// <summary>
/// The nodes: one finding per node (Ready, taints, whether the run would put pods on it, by the provider's own rule
/// in <see cref="WorkloadNodes"/>), and a Problem when fewer than the tests need can carry workloads.
/// </summary>
public static class NodeCheck
{
    public const string Area = "node";

    public sealed record Result(IReadOnlyList<PreflightFinding> Findings, IReadOnlyList<string> UsableNodes);

    public static async Task<Result> RunAsync(IKubernetes client, string cluster, RunNeeds needs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(needs);
        var list = await KubeErrors.GuardAsync(() => client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken), cluster, "listing nodes");
        var findings = new List<PreflightFinding>();
        var usable = new List<string>();
        foreach (var node in list.Items.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            var name = node.Metadata.Name;
            var info = node.Status?.NodeInfo;
            var facts = $"kubelet {info?.KubeletVersion ?? "?"}, kernel {info?.KernelVersion ?? "?"}";
            if (WorkloadNodes.WhyNotUsable(node) is { } why)
            {
                // A control-plane taint is how clusters are built; a node that is not Ready is worth a look.
                var ready = node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
                findings.Add(new PreflightFinding(Area, name, ready ? FindingLevel.Info : FindingLevel.Warning, $"no workloads: {why}; {facts}"));
            }
            else
            {
                usable.Add(name);
                // PreferNoSchedule taints do not keep the run's pinned pods off.
                var taints = node.Spec?.Taints is { Count: > 0 } all ? string.Join(", ", all.Select(WorkloadNodes.Describe)) : "none";
                findings.Add(new PreflightFinding(Area, name, FindingLevel.Ok, $"Ready, carries workloads (taints: {taints}); {facts}"));
            }
        }

        var summary = $"{usable.Count} of {list.Items.Count} nodes are Ready, schedulable and untainted; the tests need {needs.RequiredNodes} (cross-node pairs pods on 2 nodes)";
        findings.Add(usable.Count >= needs.RequiredNodes
            ? new PreflightFinding(Area, "workload nodes", FindingLevel.Ok, summary)
            : new PreflightFinding(
                Area,
                "workload nodes",
                FindingLevel.Problem,
                summary,
                "add Ready worker nodes, uncordon ('kubectl uncordon <node>') or untaint ('kubectl taint nodes <node> <key>:NoSchedule-') nodes; the run uses only nodes without NoSchedule/NoExecute taints, the control plane's included"));
        return new Result(findings, usable);
    }
}
