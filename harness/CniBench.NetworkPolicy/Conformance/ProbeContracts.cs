using System.Net;
using CniBench.NetworkPolicy.Addressing;
using CniBench.NetworkPolicy.Model;

namespace CniBench.NetworkPolicy.Conformance;

/// <summary>How one probe ended. Only <see cref="Connected"/> counts as reachable.</summary>
public enum ProbeOutcome
{
    /// <summary>TCP handshake completed, or a UDP/SCTP request got its answer.</summary>
    Connected,

    /// <summary>The destination answered with a reset or port-unreachable: reachable, nothing listening.</summary>
    Refused,

    /// <summary>No answer within the timeout: what a policy drop looks like.</summary>
    TimedOut,

    /// <summary>The probe itself failed (socket error other than the above); never read as "blocked".</summary>
    Error,

    /// <summary>This host cannot make the probe (e.g. no SCTP in the kernel); the detail says why.</summary>
    Unsupported,
}

/// <summary>
/// One connection attempt from a pod to another pod's address and port. <see cref="Control"/> probes
/// target a port with no listener, to prove that "refused" and "timed out" are told apart.
/// </summary>
public sealed record ProbeRequest(string From, string To, IPAddress ToAddress, int Port, NetpolProtocol Protocol, bool Control = false);

/// <summary>The outcome of one probe; every sample is kept, never retried until it matches an expectation.</summary>
public sealed record ProbeResult(ProbeRequest Request, ProbeOutcome Outcome, TimeSpan Elapsed, string? Detail = null)
{
    public bool Reachable => Outcome == ProbeOutcome.Connected;
}

/// <summary>What a pod serves, so the engine can start a listener for each port/protocol.</summary>
public sealed record ListenerSpec(string Pod, IReadOnlyList<ContainerPortModel> Ports);

/// <summary>
/// Opens listeners in pods and probes between them, concurrently. Implementations: sockets opened inside
/// lab namespaces from the harness process; batched execs in Kubernetes pods.
/// </summary>
public interface IProbeEngine : IAsyncDisposable
{
    /// <summary>Starts a listener for every port/protocol of every pod; TCP accepts, UDP and SCTP answer each request.</summary>
    Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken);

    /// <summary>Runs all probes concurrently; each gets at most <paramref name="timeout"/>. Results are in request order.</summary>
    Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Puts NetworkPolicies into effect in a cluster's datapath, and takes them out again.</summary>
public interface IPolicyEnforcer
{
    /// <summary>Which directions this datapath enforces; a direction it does not enforce is simply open.</summary>
    bool EnforcesIngress { get; }

    bool EnforcesEgress { get; }

    /// <summary>
    /// True when the datapath enforces the policies by the time <see cref="ApplyAsync"/> returns (the lab loads nftables
    /// synchronously): then one probe round shows whether it converged. False for a real CNI, which programs
    /// asynchronously after the API server accepted the objects, so the conformance test waits for convergence.
    /// </summary>
    bool ProgrammedOnApply { get; }

    /// <summary>Replaces whatever policies are in effect with <paramref name="policies"/>, atomically per node.</summary>
    Task ApplyAsync(IReadOnlyList<k8s.Models.V1NetworkPolicy> policies, CancellationToken cancellationToken);

    /// <summary>Removes every policy rule this enforcer installed.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}

/// <summary>The policy model placed on a cluster: the model with real pod IPs, a prober, an enforcer.</summary>
public sealed record NetpolDeployment(ClusterModel Model, IProbeEngine Prober, IPolicyEnforcer Enforcer) : IAsyncDisposable
{
    /// <summary>Where the pods run and the nodes' pod ranges, for ipBlock placeholders; null: only the pods' addresses are known.</summary>
    public AddressPlan? Addresses { get; init; }

    public async ValueTask DisposeAsync()
    {
        await Enforcer.ClearAsync(CancellationToken.None);
        await Prober.DisposeAsync();
    }
}

/// <summary>A cluster that can host the network-policy model (a capability of <c>ICluster</c>).</summary>
public interface INetpolCluster
{
    /// <summary>Places the model's pods on the cluster's pods; the returned model carries their real IPs.</summary>
    Task<NetpolDeployment> DeployAsync(ClusterModel model, CancellationToken cancellationToken);
}
