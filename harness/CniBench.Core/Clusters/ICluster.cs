using System.Net;
using CniBench.Core.Processes;

namespace CniBench.Core.Clusters;

/// <summary>
/// A running cluster, as every test sees it: nodes, pods on them, and a way to run programs in each.
/// A test never knows whether a pod is a network namespace or a Kubernetes Pod.
/// </summary>
public interface ICluster : IAsyncDisposable
{
    string Cni { get; }

    /// <summary>What the provider built, e.g. "lab: bridge + vxlan 8472, pod MTU 1450".</summary>
    string Description { get; }

    IReadOnlyList<ClusterNode> Nodes { get; }

    /// <summary>Versions or other facts about the datapath worth recording in run.json.</summary>
    IReadOnlyDictionary<string, string> Facts { get; }
}

/// <summary>A node with its host network (used for the underlay baseline) and its pods.</summary>
public sealed record ClusterNode(string Name, IWorkloadHost HostNetwork, IReadOnlyList<IWorkloadHost> Pods);

/// <summary>Somewhere a workload runs: a pod, or a node's host network.</summary>
public interface IWorkloadHost
{
    /// <summary>A short name such as <c>n1-p2</c> or <c>n1</c>.</summary>
    string Name { get; }

    string NodeName { get; }

    IPAddress Address { get; }

    /// <summary>MTU of the workload's primary interface.</summary>
    int Mtu { get; }

    IProcessRunner Runner { get; }
}
