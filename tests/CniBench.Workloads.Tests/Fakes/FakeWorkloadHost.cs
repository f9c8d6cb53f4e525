using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;

namespace CniBench.Workloads.Tests.Fakes;

public sealed record FakeWorkloadHost(string Name, IPAddress Address, IProcessRunner Runner) : IWorkloadHost
{
    public string NodeName { get; init; } = "n1";

    public int Mtu { get; init; } = 1500;
}
