using System.Net;
using CniBench.Core.Processes;
using CniBench.Lab.Probes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;

namespace CniBench.Lab.Tests.Probes;

/// <summary>
/// The probe-speed benchmarks of issue 3 on real labs. They print their timings and check every outcome,
/// never the speed (shared CI machines are noisy); filter them with <c>--filter-trait Category=Benchmark</c>.
/// </summary>
[Collection(NetnsThreadTests.Name)]
public sealed class ProbeBenchmarksTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task RunAsync_DefaultModelShape_EveryProbeConnectsOrTimesOutAtItsBlockedPod()
    {
        TestSupport.RequireLabHost();
        var keys = new[] { new ProbeKey(80, NetpolProtocol.Tcp), new ProbeKey(80, NetpolProtocol.Udp), new ProbeKey(81, NetpolProtocol.Tcp), new ProbeKey(81, NetpolProtocol.Udp) };

        var result = await ProbeBenchmarks.RunAsync(
            new ProbeBenchmarkSpec
            {
                Cni = TestSupport.Catalog["calico"],
                Nodes = 3,
                PodsPerNode = 3,
                Probes = keys,
                Timeout = TimeSpan.FromMilliseconds(500),
                CompareProcessPerProbe = true,
                LabOptions = TestSupport.NewOptions(),
            },
            Token);

        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        Assert.Equal(324, result.ProbesPerRound);
        Assert.Equal(108, result.ExpectedTimeouts);
        Assert.Equal(new Dictionary<ProbeOutcome, int> { [ProbeOutcome.Connected] = 216, [ProbeOutcome.TimedOut] = 108 }, result.Outcomes);
        Assert.Equal(3, result.Rounds.Count);
        var slow = Assert.IsType<ProcessPerProbeResult>(result.ProcessPerProbe);
        Assert.Equal(324, slow.AgreeingWithEngine);
    }

    [Fact]
    [Trait("Category", "Benchmark")]
    public async Task RunAsync_HundredPodsOnePort_AllTenThousandProbesConnect()
    {
        TestSupport.RequireLabHost();

        var result = await ProbeBenchmarks.RunAsync(
            new ProbeBenchmarkSpec
            {
                Cni = TestSupport.Catalog["calico"],
                Nodes = 4,
                PodsPerNode = 25,
                Probes = [new ProbeKey(80, NetpolProtocol.Tcp)],
                BlockedPods = 0,
                Timeout = TimeSpan.FromSeconds(1),
                LabOptions = TestSupport.NewOptions(),
            },
            Token);

        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        Assert.Equal(10_000, result.ProbesPerRound);
        Assert.Equal(new Dictionary<ProbeOutcome, int> { [ProbeOutcome.Connected] = 10_000 }, result.Outcomes);
    }

    [Fact]
    public void ProcessProbeSpec_UdpProbe_PassesAddressAndPortAsPositionalParameters()
    {
        var probe = new ProbeRequest("n1-p1", "n2-p1", IPAddress.Parse("198.19.2.2"), 81, NetpolProtocol.Udp);

        var spec = ProbeBenchmarks.ProcessProbeSpec(probe, TimeSpan.FromMilliseconds(500));

        Assert.Equal("timeout", spec.Program);
        Assert.Equal(["0.5", "bash", "-c"], spec.Arguments.Take(3));
        Assert.DoesNotContain("198.19.2.2", spec.Arguments[3], StringComparison.Ordinal);
        Assert.Contains("/dev/udp/", spec.Arguments[3], StringComparison.Ordinal);
        Assert.Equal(["198.19.2.2", "81"], spec.Arguments.Skip(4));
    }

    [Theory]
    [InlineData(0, "", ProbeOutcome.Connected)]
    [InlineData(124, "", ProbeOutcome.TimedOut)]
    [InlineData(1, "bash: connect: Connection refused\nbash: line 1: /dev/tcp/198.19.1.2/82: Connection refused\n", ProbeOutcome.Refused)]
    [InlineData(1, "bash: line 1: read: read error: 0: Connection refused\n", ProbeOutcome.Refused)]
    [InlineData(1, "bash: connect: No route to host\n", ProbeOutcome.Error)]
    public void ClassifyProcessProbe_ExitAndStderr_Outcome(int exitCode, string stderr, ProbeOutcome expected) =>
        Assert.Equal(expected, ProbeBenchmarks.ClassifyProcessProbe(new ProcessResult(exitCode, "", stderr, TimeSpan.Zero)));
}
