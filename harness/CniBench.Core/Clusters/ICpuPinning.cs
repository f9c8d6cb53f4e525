namespace CniBench.Core.Clusters;

/// <summary>
/// A cluster whose workloads share this host's CPUs and can be kept apart on them: a measurement's client and
/// server each on a CPU of its own. Left to the scheduler, the two sometimes share a core and sometimes do not, and
/// that alone moves a 2-core host's TCP throughput by tens of percent from one repetition to the next.
/// </summary>
public interface ICpuPinning
{
    /// <summary>The client and server to measure with, their programs pinned when the host has CPUs to spare.</summary>
    PinnedEndpoints Pin(IWorkloadHost client, IWorkloadHost server);
}

/// <summary>The endpoints a measurement runs on, and how they were placed, in words for run.json.</summary>
public sealed record PinnedEndpoints(IWorkloadHost Client, IWorkloadHost Server, string Placement);
