using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Processes;

namespace CniBench.Lab;

/// <summary>
/// Places a lab measurement's tools on the CPUs this process may use: separately (server on the first, client on the
/// second), together on the first, or where the scheduler likes; and at the niceness asked. What cannot be done here
/// (separate CPUs on a one-CPU host) is left to the scheduler and said in the placement text.
/// </summary>
internal sealed class LabToolPlacement(IProcessRunner host, IReadOnlyList<int> cpus)
{
    public PlacedEndpoints Place(IWorkloadHost client, IWorkloadHost server, ToolPlacementSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (client is not LabWorkloadHost labClient || server is not LabWorkloadHost labServer)
        {
            return new PlacedEndpoints(client, server, "as started: the endpoints are not lab namespaces");
        }

        var (clientCpu, serverCpu, where) = spec.Pinning switch
        {
            CpuPinningMode.Separate when cpus.Count >= 2 => (cpus[1], cpus[0], I($"client on CPU {cpus[1]}, server on CPU {cpus[0]} (taskset)")),
            CpuPinningMode.Separate => ((int?)null, (int?)null, I($"not pinned: separate CPUs asked, the host has {cpus.Count} CPU for this process")),
            CpuPinningMode.Shared when cpus.Count >= 1 => (cpus[0], cpus[0], I($"client and server on CPU {cpus[0]} (taskset)")),
            _ => (null, null, "not pinned"),
        };
        var placement = spec.Nice == 0 ? where : I($"{where}; nice {spec.Nice}");
        return clientCpu is null && spec.Nice == 0
            ? new PlacedEndpoints(client, server, placement)
            : new PlacedEndpoints(On(labClient, clientCpu, spec.Nice), On(labServer, serverCpu, spec.Nice), placement);
    }

    private LabWorkloadHost On(LabWorkloadHost workload, int? cpu, int nice) =>
        workload with { Runner = new NetnsProcessRunner(workload.Namespace, new ScheduledRunner(host, cpu, nice)) };

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
