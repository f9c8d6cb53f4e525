using System.Net;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tests.Fakes;
using CniBench.Workloads.Tcp;
using CniBench.Workloads.Udp;

namespace CniBench.Workloads.Tests;

public sealed class Iperf3KindTests
{
    private readonly FakeProcessRunner _server = new();
    private readonly RecordingSink _sink = new();

    private TestInvocation Invocation(FakeProcessRunner client, string test, TestVariant variant)
    {
        var spec = new TestSpec { Test = test, Duration = TimeSpan.FromSeconds(7), Warmup = TimeSpan.FromSeconds(2), Settings = test == UdpKind.TestName ? new UdpTestSpec() : new TcpTestSpec() };
        var key = new MeasurementKey("flannel", test, variant.Name, Topologies.CrossNode, 1);
        return new TestInvocation(
            new PlannedMeasurement(key, spec, variant),
            new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client),
            new FakeWorkloadHost("n2-p1", IPAddress.Parse("198.19.2.2"), _server),
            _sink,
            "raw/x.json");
    }

    [Fact]
    public async Task TcpRunAsync_FourStreamVariant_PassesDurationWarmupAndStreams()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("tcp-4-streams.json"));

        var outcome = await new TcpKind(new Iperf3Driver()).RunAsync(Invocation(client, "tcp", new TestVariant("4-streams", 4)), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal(
            ["-c", "198.19.2.2", "-p", "5201", "-J", "-t", "7", "-O", "2", "-P", "4", "--connect-timeout", "3000", "--repeating-payload"],
            Assert.Single(client.Runs).Arguments);
        Assert.Equal("raw/x.json", outcome.RawFile);
    }

    [Fact]
    public async Task UdpRunAsync_BitrateVariant_PassesUdpAndBitrate()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("udp-200m.json"));

        var outcome = await new UdpKind(new Iperf3Driver()).RunAsync(Invocation(client, "udp", new TestVariant("200M", 1, 200_000_000)), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.Equal([Metrics.ThroughputBps, Metrics.JitterMs, Metrics.LostPercent, Metrics.ToolClientCpuPercent, Metrics.ToolServerCpuPercent], outcome.Observations.Select(o => o.Metric));
        var args = Assert.Single(client.Runs).Arguments;
        Assert.Equal(["-u", "-b", "200000000"], args.Skip(args.ToList().IndexOf("-u")).Take(3));
    }

    [Fact]
    public async Task UdpRunAsync_VariantWithoutBitrate_FailsWithoutRunning()
    {
        var client = new FakeProcessRunner();

        var outcome = await new UdpKind(new Iperf3Driver()).RunAsync(Invocation(client, "udp", new TestVariant("1-stream", 1)), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal("udp variant '1-stream' has no bitrate", outcome.Reason);
        Assert.Empty(client.Runs);
        Assert.Empty(_server.Started);
    }
}
