using CniBench.Core.Measurements;
using CniBench.Workloads.Latency;
using CniBench.Workloads.Rr;

namespace CniBench.Workloads.Tests.Latency;

public sealed class LatencySamplesTests
{
    [Fact]
    public void Percentiles_TwoFlows_TakesPercentilesOfTheMergedSamplesNotTheirAverage()
    {
        // A fast flow (all 10 µs) and a slow one (all 100 µs): the merged median lies between them at the boundary,
        // while an average of the per-flow p99s would be 55 µs — a latency no transaction had.
        double[] fast = [.. Enumerable.Repeat(10.0, 99)];
        double[] slow = [.. Enumerable.Repeat(100.0, 1)];

        var observations = LatencySamples.Percentiles([fast, slow], [50, 99]).ToDictionary(o => o.Metric, o => o.Value);

        Assert.Equal(10, observations[Metrics.LatencyP50Us]);
        Assert.Equal(10.9, observations[Metrics.LatencyP99Us], 9);
        Assert.Equal(100, observations[Metrics.LatencyMaxUs]);
    }

    [Fact]
    public void Percentiles_Unsorted_ReportsEachRequestedPercentileAndTheMaximum()
    {
        double[] samples = [5, 1, 4, 2, 3];

        var observations = LatencySamples.Percentiles([samples], [50, 90]);

        Assert.Equal([Metrics.LatencyP50Us, Metrics.LatencyP90Us, Metrics.LatencyMaxUs], observations.Select(o => o.Metric));
        Assert.Equal(3, observations[0].Value);
        Assert.Equal(5, observations[2].Value);
        Assert.All(observations, o => Assert.Equal(Metrics.Microseconds, o.Unit));
    }

    [Fact]
    public void Percentiles_NoSamples_Throws() =>
        Assert.Throws<ArgumentException>(() => LatencySamples.Percentiles([[]], [50]));
}
