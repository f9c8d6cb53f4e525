using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Workloads.Udp;

namespace CniBench.Workloads.Tests;

public sealed class UdpCapacitySearchTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A path that carries up to <paramref name="capacityBps"/> with 0.1% loss, and drops the excess beyond it.</summary>
    private static Func<long, int, CancellationToken, Task<(UdpProbe?, TestOutcome?)>> Path(double capacityBps, List<long> offered) =>
        (rate, number, _) =>
        {
            offered.Add(rate);
            var lost = rate <= capacityBps ? 0.1 : 100.0 * (rate - capacityBps) / rate;
            var received = rate <= capacityBps ? rate * 0.999 : capacityBps;
            return Task.FromResult<(UdpProbe?, TestOutcome?)>((new UdpProbe(rate, received, lost, 0.01, $"raw/p{number}.json"), null));
        };

    private static double Value(TestOutcome outcome, string metric) => outcome.Observations.Single(o => o.Metric == metric).Value;

    [Theory]
    [InlineData(3.1e9)]
    [InlineData(450e6)]
    [InlineData(9.2e9)]
    public async Task RunAsync_PathWithACapacity_FindsItWithinPrecisionInBoundedProbes(double capacity)
    {
        var spec = new UdpCapacitySpec();
        var offered = new List<long>();

        var outcome = await UdpCapacitySearch.RunAsync(spec, Path(capacity, offered), Token);

        Assert.Equal(MeasurementStatus.Ok, outcome.Status);
        Assert.InRange(offered.Count, 2, spec.MaxProbes);
        Assert.Equal(spec.CeilingBps, offered[0]);
        var found = Value(outcome, Metrics.UdpCapacityBps);
        Assert.InRange(found, capacity * 0.85, capacity * 1.01);
        Assert.True(Value(outcome, Metrics.LostPercent) <= spec.LossBoundPercent);
        Assert.Equal(offered.Count, Value(outcome, UdpMetrics.UdpCapacityProbes));
    }

    [Fact]
    public async Task RunAsync_PathCarriesTheCeiling_StopsAfterOneProbe()
    {
        var offered = new List<long>();

        var outcome = await UdpCapacitySearch.RunAsync(new UdpCapacitySpec { CeilingBps = 2_000_000_000 }, Path(5e9, offered), Token);

        Assert.Equal([2_000_000_000L], offered);
        Assert.Equal(2_000_000_000, Value(outcome, UdpMetrics.UdpCapacityOfferedBps));
    }

    [Fact]
    public async Task RunAsync_LossAboveTheBoundEverywhere_FailsSayingSoNeverReportsARate()
    {
        var lossy = new UdpCapacitySpec { MaxProbes = 4 };
        Func<long, int, CancellationToken, Task<(UdpProbe?, TestOutcome?)>> probe = (rate, number, _) =>
            Task.FromResult<(UdpProbe?, TestOutcome?)>((new UdpProbe(rate, rate * 0.9, 10, 0.5, $"raw/p{number}.json"), null));

        var outcome = await UdpCapacitySearch.RunAsync(lossy, probe, Token);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("loss stayed above 1% at every offered rate tried (4 probes", outcome.Reason, StringComparison.Ordinal);
        Assert.Empty(outcome.Observations);
    }

    [Fact]
    public async Task RunAsync_AlmostNothingArrivesAndLossStaysHigh_StopsAtTheFloorAndFailsSayingSo()
    {
        // What arrives at overload is far below the floor: the bracket closes at 1 Mbit/s, where the search must stop.
        var offered = new List<long>();
        Func<long, int, CancellationToken, Task<(UdpProbe?, TestOutcome?)>> probe = (rate, number, _) =>
        {
            offered.Add(rate);
            return Task.FromResult<(UdpProbe?, TestOutcome?)>((new UdpProbe(rate, 1_000, 99, 5, $"raw/p{number}.json"), null));
        };

        var outcome = await UdpCapacitySearch.RunAsync(new UdpCapacitySpec(), probe, Token);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Equal([10_000_000_000L, UdpCapacitySearch.FloorBps], offered);
        Assert.Contains("down to 1M", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProbeFails_TheMeasurementFailsWithTheProbesReason()
    {
        Func<long, int, CancellationToken, Task<(UdpProbe?, TestOutcome?)>> probe = (_, _, _) =>
            Task.FromResult<(UdpProbe?, TestOutcome?)>((null, TestOutcome.Failed("udp capacity probe 1 at 10G: iperf3: unable to connect")));

        var outcome = await UdpCapacitySearch.RunAsync(new UdpCapacitySpec(), probe, Token);

        Assert.Equal(MeasurementStatus.Failed, outcome.Status);
        Assert.Contains("unable to connect", outcome.Reason, StringComparison.Ordinal);
    }
}
