namespace CniBench.Core.Clusters;

/// <summary>
/// A cluster whose datapath depends on processes that can die under a test (userspace WireGuard). After a
/// measurement fails, the orchestrator asks it what broke, so the reason names the cause (wireguard-go exited)
/// rather than only its symptom (iperf3 timed out).
/// </summary>
public interface IClusterHealth
{
    /// <summary>Null when the datapath is intact; otherwise what is wrong with it, in one line.</summary>
    ValueTask<string?> CheckAsync(CancellationToken cancellationToken);
}
