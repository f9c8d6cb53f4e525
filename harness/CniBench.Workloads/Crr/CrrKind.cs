using CniBench.Core.Clusters;
using CniBench.Core.Planning;

namespace CniBench.Workloads.Crr;

/// <summary>
/// A new TCP connection per transaction (iperf2 connect-only: handshake then close), pod to pod and through a Service,
/// where the first packet of every connection pays the NAT and conntrack cost that rr's long-lived flows pay once.
/// </summary>
public sealed class CrrKind(CrrDriver driver) : ITestKind
{
    public string Name => CrrTestSpec.Name;

    public string PrimaryMetric => Core.Measurements.Metrics.ConnectionsPerSecond;

    public IReadOnlyList<ServicePort> ServicePorts { get; } = [ServicePort.Tcp(Iperf2Tool.Port)];

    public Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var planned = invocation.Planned;
        var spec = planned.Test.SettingsAs<CrrTestSpec>();
        var flows = planned.Variant.Streams;
        var request = new CrrRequest(flows, spec.Connections, spec.Percentiles, spec.FlushConntrack, spec.ClearTimeWait);
        var nodes = new ConntrackNodes(NodeOf(invocation, invocation.Client), NodeOf(invocation, invocation.Server));
        return driver.RunAsync(request, invocation.Client, invocation.Server, invocation.Target, nodes, invocation.Sink, invocation.RawPath, cancellationToken);
    }

    /// <summary>The host network of the node <paramref name="host"/> runs on, where the node's conntrack table lives.</summary>
    private static IWorkloadHost? NodeOf(TestInvocation invocation, IWorkloadHost host) =>
        invocation.Cluster?.Nodes.FirstOrDefault(n => n.Name == host.NodeName)?.HostNetwork;
}
