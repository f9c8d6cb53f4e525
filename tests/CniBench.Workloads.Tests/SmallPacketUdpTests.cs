using System.Net;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tests.Fakes;
using CniBench.Workloads.Udp;

namespace CniBench.Workloads.Tests;

/// <summary>udp with a payload of its own (the small-packet rate): the datagram length goes to iperf3 and the rate comes back in packets/s.</summary>
public sealed class SmallPacketUdpTests
{
    private readonly RecordingSink _sink = new();

    private TestInvocation Invocation(FakeProcessRunner client, long? payload) => new(
        new PlannedMeasurement(new MeasurementKey("calico", "udp", "20M-64B", Topologies.CrossNode, 1),
            new TestSpec { Test = "udp", Duration = TimeSpan.FromSeconds(2), Warmup = TimeSpan.Zero, Settings = new UdpTestSpec { BitratesBps = [20_000_000], PayloadBytes = payload } },
            new TestVariant("20M-64B", 1, 20_000_000)),
        new FakeWorkloadHost("n1-p1", IPAddress.Parse("198.19.1.2"), client),
        new FakeWorkloadHost("n2-p1", IPAddress.Parse("198.19.2.2"), new FakeProcessRunner()),
        _sink,
        "raw/x.json");

    [Fact]
    public async Task RunAsync_FixedRateWithPayload_ReportsPacketsPerSecondFromTheReceiverRate()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("udp-overload.json"));

        var outcome = await new UdpKind(new Iperf3Driver()).RunAsync(Invocation(client, 64), TestContext.Current.CancellationToken);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(observations[Metrics.ThroughputBps] / (8 * 64), observations[Metrics.PacketsPerSecond], 6);
        var args = Assert.Single(client.Runs).Arguments.ToList();
        Assert.Equal("64", args[args.IndexOf("-l") + 1]);
    }

    [Fact]
    public async Task RunAsync_WithoutPayload_NoPacketRate()
    {
        var client = FakeProcessRunner.Printing(TestAssets.Iperf3("udp-overload.json"));

        var outcome = await new UdpKind(new Iperf3Driver()).RunAsync(Invocation(client, null), TestContext.Current.CancellationToken);

        Assert.DoesNotContain(outcome.Observations, o => o.Metric == Metrics.PacketsPerSecond);
        Assert.DoesNotContain("-l", Assert.Single(client.Runs).Arguments);
    }
}
