using CniBench.Core.Scenarios;

namespace CniBench.Core.Clusters;

/// <summary>
/// A cluster whose workloads share this host's CPUs with everything else on it, and whose tools can be placed on them:
/// a measurement's client and server pinned to CPUs, and run at a scheduling priority of their own. Left to the
/// scheduler, the two sometimes share a core and sometimes do not, and other work on a shared host takes their CPU
/// time; both move a 2-core host's TCP throughput by tens of percent from one repetition to the next.
/// </summary>
public interface IToolPlacement
{
    /// <summary>The client and server to measure with, placed as <paramref name="spec"/> asks where the host allows it.</summary>
    PlacedEndpoints Place(IWorkloadHost client, IWorkloadHost server, ToolPlacementSpec spec);
}

/// <summary>How a measurement's tools are placed: CPU pinning and the niceness they run at (0 is the default priority).</summary>
public sealed record ToolPlacementSpec(CpuPinningMode Pinning, int Nice);

/// <summary>The endpoints a measurement runs on, and how they were placed, in words for run.json.</summary>
public sealed record PlacedEndpoints(IWorkloadHost Client, IWorkloadHost Server, string Placement);
