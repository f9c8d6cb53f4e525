using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Processes;

namespace CniBench.Lab;

/// <summary>
/// Places a lab measurement's server on the first CPU this process may use and its client on the second, through
/// <c>taskset</c>; with fewer than two CPUs it leaves them to the scheduler and says so.
/// </summary>
internal sealed class LabCpuPinning(IProcessRunner host, IReadOnlyList<int> cpus)
{
    public PinnedEndpoints Pin(IWorkloadHost client, IWorkloadHost server)
    {
        if (cpus.Count < 2)
        {
            return new PinnedEndpoints(client, server, string.Create(CultureInfo.InvariantCulture, $"off: the host has {cpus.Count} CPU for this process"));
        }

        if (client is not LabWorkloadHost labClient || server is not LabWorkloadHost labServer)
        {
            return new PinnedEndpoints(client, server, "off: the endpoints are not lab namespaces");
        }

        var (serverCpu, clientCpu) = (cpus[0], cpus[1]);
        return new PinnedEndpoints(
            On(labClient, clientCpu),
            On(labServer, serverCpu),
            string.Create(CultureInfo.InvariantCulture, $"client on CPU {clientCpu}, server on CPU {serverCpu} (taskset)"));
    }

    private LabWorkloadHost On(LabWorkloadHost workload, int cpu) =>
        workload with { Runner = new NetnsProcessRunner(workload.Namespace, new CpuPinnedRunner(host, cpu)) };
}
