using k8s;
using k8s.Models;

namespace CniBench.Kubernetes.Tests.Fakes;

/// <summary>A minimal workload set: two iperf3 pods on the first node, one on the second, a hostNetwork pod per node.</summary>
internal sealed class TestWorkloadSet : IWorkloadSet
{
    public IReadOnlyList<IKubernetesObject> Objects(WorkloadContext context)
    {
        var objects = new List<IKubernetesObject>();
        for (var n = 0; n < context.NodeNames.Count; n++)
        {
            var node = context.NodeNames[n];
            var pods = n == 0 ? 2 : 1;
            for (var p = 1; p <= pods; p++)
            {
                objects.Add(Pod($"cnb-n{n + 1}-p{p}", node, KubeLabels.Iperf3Role, context, hostNetwork: false));
            }

            objects.Add(Pod($"cnb-n{n + 1}-host", node, KubeLabels.HostNetworkRole, context, hostNetwork: true));
        }

        return objects;
    }

    private static V1Pod Pod(string name, string node, string role, WorkloadContext context, bool hostNetwork) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { [KubeLabels.Role] = role, [KubeLabels.Run] = context.RunId },
        },
        Spec = new V1PodSpec
        {
            NodeName = node,
            HostNetwork = hostNetwork,
            Containers = [new V1Container { Name = "iperf3", Image = context.Images.Iperf3, Command = ["sleep", "infinity"] }],
        },
    };
}
