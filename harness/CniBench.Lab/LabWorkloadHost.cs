using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Lab;

/// <summary>A pod or a node's host network in the lab: a network namespace and a runner that executes inside it.</summary>
public sealed record LabWorkloadHost(
    string Name,
    string NodeName,
    IPAddress Address,
    int Mtu,
    IProcessRunner Runner,
    string Namespace) : IWorkloadHost;
