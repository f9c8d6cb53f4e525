using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Kubernetes;

/// <summary>A workload pod (or a hostNetwork pod standing for its node) reached through exec.</summary>
public sealed record PodWorkloadHost(string Name, string NodeName, IPAddress Address, int Mtu, PodExecRunner PodRunner) : IWorkloadHost
{
    public IProcessRunner Runner => PodRunner;
}

/// <summary>
/// A node without a hostNetwork pod: the underlay baseline on Kubernetes runs between hostNetwork pods, so a
/// workload set that renders none makes the node's host network unusable, and says so when used.
/// </summary>
internal sealed record MissingHostNetwork(string Name, string NodeName) : IWorkloadHost
{
    public IPAddress Address => IPAddress.None;

    public int Mtu => 0;

    public IProcessRunner Runner => throw new NotSupportedException(
        $"node {NodeName} has no hostNetwork pod (label {KubeLabels.Role}={KubeLabels.HostNetworkRole}); the workload set must render one per node for the underlay baseline");
}
