using k8s.Models;

namespace CniBench.Kubernetes;

/// <summary>
/// Which nodes a run puts its pods on. One rule for the provider and <c>cnibench doctor</c>, so the preflight never
/// promises a node the run would not use.
/// </summary>
public static class WorkloadNodes
{
    /// <summary>
    /// Null when the node can carry the run's pods, else why not. Any NoSchedule or NoExecute taint excludes a node,
    /// the control plane's <c>node-role.kubernetes.io/control-plane</c> included: its API server and etcd would share
    /// the CPUs a measurement reads, so the templates tolerate no taint and the provider picks only untainted nodes.
    /// </summary>
    public static string? WhyNotUsable(V1Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true)
        {
            return "not Ready";
        }

        if (node.Spec?.Unschedulable == true)
        {
            return "cordoned (spec.unschedulable)";
        }

        var blocking = (node.Spec?.Taints ?? []).Where(t => t.Effect is "NoSchedule" or "NoExecute").ToList();
        return blocking.Count == 0 ? null : $"tainted {string.Join(", ", blocking.Select(Describe))}";
    }

    public static bool IsUsable(V1Node node) => WhyNotUsable(node) is null;

    /// <summary>As kubectl prints a taint: <c>key=value:Effect</c>, or <c>key:Effect</c> without a value.</summary>
    public static string Describe(V1Taint taint)
    {
        ArgumentNullException.ThrowIfNull(taint);
        return string.IsNullOrEmpty(taint.Value) ? $"{taint.Key}:{taint.Effect}" : $"{taint.Key}={taint.Value}:{taint.Effect}";
    }
}
