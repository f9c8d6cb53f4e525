using System.Net;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tests.Fakes;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Workloads.Tests;

/// <summary>The pod-to-service topology: the client aims at the Service's ClusterIP while the server still runs on its pod.</summary>
public sealed class ServiceTargetTests
{
    private static readonly IPAddress ClusterIp = IPAddress.Parse("198.18.96.7");

    private readonly FakeProcessRunner _server = new();
    private readonly RecordingSink _sink = new();

    private TestInvocation Invocation(FakeProcessRunner client, string test, TestVariant variant)
    {
        var spec = new TestSpec { Test = test, Duration = TimeSpan.FromSeconds(3), Settings = test == UdpKind.TestName ? new UdpTestSpec() : new TcpTestSpec() };
        var key = new MeasurementKey("calico", test, variant.Name, Topologies.PodToService, 1);
        return new TestInvocation(
            new PlannedMeasurement(key, spec, variant),
            new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client),
            new FakeWorkloadHost("n2-p1", IPAddress.Parse("198.19.2.2"), _server),
            _sink,
            "raw/x.json")
        {
            Target = ClusterIp,
        };
    }

    [Fact]
    public async Task TcpRunAsync_ServiceTarget_ClientConnectsToClusterIpAndServerStartsOnItsPod()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("tcp-4-streams.json"));

        var outcome = await new TcpKind(new Iperf3Driver()).RunAsync(Invocation(client, "tcp", new TestVariant("1-stream", 1)), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(["-c", "198.18.96.7", "-p", "5201"], Assert.Single(client.Runs).Arguments.Take(4));
        Assert.Equal(["-s", "-1", "-p", "5201", "--forceflush"], Assert.Single(_server.Started).Spec.Arguments);
    }

    [Fact]
    public async Task UdpRunAsync_ServiceTarget_ClientSendsUdpToClusterIp()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("udp-200m.json"));

        var outcome = await new UdpKind(new Iperf3Driver()).RunAsync(Invocation(client, "udp", new TestVariant("200M", 1, 200_000_000)), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var args = Assert.Single(client.Runs).Arguments;
        Assert.Equal(["-c", "198.18.96.7"], args.Take(2));
        Assert.Contains("-u", args);
    }

    [Fact]
    public void ServicePorts_Tcp_ForwardsTheServerPortOverTcpOnly()
    {
        var test = new TcpKind(new Iperf3Driver(new Iperf3DriverOptions { Port = 5301 }));

        Assert.Equal([ServicePort.Tcp(5301)], test.ServicePorts);
    }

    [Fact]
    public void ServicePorts_Udp_ForwardsControlOverTcpAndDataOverUdpOnTheSamePort()
    {
        var test = new UdpKind(new Iperf3Driver());

        Assert.Equal([ServicePort.Tcp(Iperf3Tool.DefaultPort), ServicePort.Udp(Iperf3Tool.DefaultPort)], test.ServicePorts);
    }

    [Fact]
    public void ServicePorts_Mtu_IsEmptyBecausePingCannotCrossAPortDnat()
    {
        Assert.Empty(((ITestKind)new Workloads.Mtu.MtuKind()).ServicePorts);
    }
}
