using CniBench.Core.Kinds;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.NetworkPolicy.Conformance;
using CniBench.Workloads.Crr;
using CniBench.Workloads.Http;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Mtu;
using CniBench.Workloads.Rr;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Runs;

/// <summary>
/// Every test kind, by the name a scenario uses: the one place a kind is registered. The scenario loader reads test
/// entries with these, and every run gets their runners. A new kind is its folder and one line here.
/// </summary>
public static class TestKinds
{
    /// <summary>In the order error messages list the known tests.</summary>
    public static IReadOnlyList<ITestKindDefinition> All { get; } =
    [
        new TcpDefinition(),
        new UdpDefinition(),
        new NetpolDefinition(),
        new MtuDefinition(),
        new HttpDefinition(),
        new IngressDefinition(),
        new RrDefinition(),
        new CrrDefinition(),
    ];

    /// <summary>Every metric the kinds and the harness write, each declared once: what compare, history, charts and the report read.</summary>
    public static MetricRegistry Metrics { get; } = MetricRegistry.Of(All);

    /// <summary>Fresh runners for one run, by name (runners keep state within a run).</summary>
    public static IReadOnlyDictionary<string, ITestKind> Create(TimeProvider time) =>
        All.ToDictionary(k => k.Name, k => k.CreateRunner(time), StringComparer.Ordinal);
}
