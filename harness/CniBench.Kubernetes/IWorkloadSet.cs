using CniBench.Core.Scenarios;
using k8s;

namespace CniBench.Kubernetes;

/// <summary>
/// The objects one run applies (pods, services, namespaces). Every object carries apiVersion, kind and a name;
/// objects without a namespace go into <see cref="WorkloadContext.Namespace"/>. iperf3 pods are labelled
/// <see cref="KubeLabels.Role"/>=<see cref="KubeLabels.Iperf3Role"/>; hostNetwork pods for the underlay baseline
/// <see cref="KubeLabels.Role"/>=<see cref="KubeLabels.HostNetworkRole"/>. Extra namespaces must carry
/// <see cref="KubeLabels.Run"/>=run id so that disposal removes them.
/// </summary>
public interface IWorkloadSet
{
    IReadOnlyList<IKubernetesObject> Objects(WorkloadContext context);
}

/// <summary>What a workload set needs to render: the run, its namespace, the nodes to pin pods to, images.</summary>
public sealed record WorkloadContext(string RunId, string Namespace, IReadOnlyList<string> NodeNames, KubernetesImagesSpec Images)
{
    /// <summary>Workload pods per node (the scenario's <c>lab.podsPerNode</c>): the ingress test's churn needs 4 backends off the first node.</summary>
    public int PodsPerNode { get; init; } = Workloads.WorkloadNames.PodsPerNode;
}
