using CniBench.Workloads.Crr;
using CniBench.Workloads.Http;
using CniBench.Workloads.Mtu;
using CniBench.Workloads.Rr;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Runs.Tests;

public sealed class TestKindsTests
{
    [Fact]
    public void Create_EveryKindAScenarioCanName_IsRegisteredUnderItsName()
    {
        var kinds = TestKinds.Create(TimeProvider.System);

        Assert.Equal(["crr", "http", "ingress", "mtu", "netpol", "rr", "tcp", "udp"], kinds.Keys.Order(StringComparer.Ordinal));
        Assert.All(kinds, k => Assert.Equal(k.Key, k.Value.Name));
        Assert.IsType<HttpKind>(kinds["http"]);
        Assert.IsType<TcpKind>(kinds["tcp"]);
        Assert.IsType<UdpKind>(kinds["udp"]);
        Assert.IsType<MtuKind>(kinds["mtu"]);
        Assert.IsType<RrKind>(kinds["rr"]);
        Assert.IsType<CrrKind>(kinds["crr"]);
    }

    [Fact]
    public void All_EveryDefinition_HasAUniqueName()
    {
        Assert.Equal(TestKinds.All.Count, TestKinds.All.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Create_Default_OnlyTheIperf3TestsAnnounceThePlaintextMarker()
    {
        // Without this the wire check never runs: the lab samples only traffic known to carry the marker.
        var kinds = TestKinds.Create(TimeProvider.System);

        Assert.Equal(["tcp", "udp"], kinds.Where(k => k.Value.SendsPlaintextMarker).Select(k => k.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Create_TwoRuns_GetRunnersOfTheirOwn()
    {
        // Runners keep state within a run (the saturation rate a fixed-rate http variant halves, netpol's deployments).
        Assert.NotSame(TestKinds.Create(TimeProvider.System)["http"], TestKinds.Create(TimeProvider.System)["http"]);
    }
}
