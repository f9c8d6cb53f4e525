using System.Globalization;

namespace CniBench.Kubernetes.Workloads;

/// <summary>
/// Names of the objects <see cref="TemplateWorkloadSet"/> renders, so the provider and the tests find the same pods.
/// Everything starts with <c>cnb-</c> so leftovers are recognisable.
/// </summary>
public static class WorkloadNames
{
    /// <summary>Workload pods per node unless the scenario asks for more: two on one node make a same-node pair.</summary>
    public const int PodsPerNode = 2;

    /// <summary>hostNetwork pods for the underlay baseline: one on each of the first two nodes.</summary>
    public const int UnderlayNodes = 2;

    /// <summary>The label every CniBench pod carries with its own name.</summary>
    public const string PodLabel = "cnibench.io/pod";

    /// <summary>The label of the policy model's namespaces that policies select on (upstream and cyclonus: ns=x).</summary>
    public const string NetpolNamespaceLabel = "ns";

    /// <summary>The label of the policy model's pods (pod=a).</summary>
    public const string NetpolPodLabel = "pod";

    /// <summary>Role label value of the policy model's pods and services.</summary>
    public const string NetpolRole = "netpol";

    /// <summary>iperf3 pod <paramref name="pod"/> (1-based) on node <paramref name="node"/> (1-based): <c>cnb-n1-p2</c>.</summary>
    public static string Iperf3Pod(int node, int pod)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(node, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pod, 1);
        return "cnb-n" + node.ToString(CultureInfo.InvariantCulture) + "-p" + pod.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The hostNetwork pod on node <paramref name="node"/> (1-based): <c>cnb-underlay-n1</c>.</summary>
    public static string UnderlayPod(int node)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(node, 1);
        return "cnb-underlay-n" + node.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The real namespace of model namespace <paramref name="modelNamespace"/> (x): <c>&lt;run namespace&gt;-x</c>.</summary>
    public static string NetpolNamespace(string runNamespace, string modelNamespace) => runNamespace + "-" + modelNamespace;

    /// <summary>Upstream's per-pod Service name, <c>s-&lt;namespace&gt;-&lt;pod&gt;</c>.</summary>
    public static string NetpolService(string netpolNamespace, string pod) => "s-" + netpolNamespace + "-" + pod;
}
