using CniBench.Core.Measurements;
using CniBench.Results.Compare;
using CniBench.Runs;

namespace CniBench.Results.Tests.Compare;

public sealed class DetectableChangeTests
{
    private static MetricComparison Row(string metric, double? low, double? high, MetricDirection direction = MetricDirection.HigherIsBetter) =>
        new(new SeriesKey("calico", "tcp", "1-stream", "cross-node", metric), "bit/s", direction,
            new RepetitionComparison { Verdict = Verdict.Same, RatioLow = low, RatioHigh = high });

    [Fact]
    public void PerMetric_ThresholdPlusMedianHalfWidth()
    {
        var rows = new[]
        {
            Row(Metrics.ThroughputBps, 0.90, 1.10),
            Row(Metrics.ThroughputBps, 0.70, 1.30),
            Row(Metrics.ThroughputBps, 0.80, 1.20),
            Row(Metrics.JitterMs, 0.98, 1.02, MetricDirection.LowerIsBetter),
        };

        var detectable = DetectableChange.PerMetric(rows, threshold: 0.05);

        Assert.Equal([Metrics.JitterMs, Metrics.ThroughputBps], detectable.Select(d => d.Metric));
        Assert.Equal(7, detectable[0].Percent, 9);
        Assert.Equal(25, detectable[1].Percent, 9);
        Assert.Equal(3, detectable[1].Rows);
    }

    [Fact]
    public void PerMetric_RowsWithoutAnIntervalOrDirection_AreLeftOut()
    {
        var rows = new[] { Row(Metrics.ThroughputBps, null, null), Row(Metrics.HostCpuUserSeconds, 0.5, 1.5, MetricDirection.None) };

        Assert.Empty(DetectableChange.PerMetric(rows, threshold: 0.05));
    }

    [Fact]
    public void Render_CompareMarkdown_StatesTheSmallestDetectableChangePerMetric()
    {
        var report = new CompareReport
        {
            Baseline = new ComparedRun("results/base", "base", "nightly", "", "lab", "host", null),
            Candidate = new ComparedRun("results/cand", "cand", "nightly", "", "lab", "host", null),
            Options = ComparisonOptions.Default,
            Metrics = [Row(Metrics.ThroughputBps, 0.9, 1.1)],
        };

        var md = CompareMarkdown.Render(report);

        Assert.Contains("## Smallest detectable change", md, StringComparison.Ordinal);
        Assert.Contains("| throughput_bps | ±15% | 1 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void OfRun_EachSeriesAgainstItself_GivesTheThresholdPlusItsOwnSpreadAndSkipsUnjudgedMetrics()
    {
        static Measurement Rep(string metric, int repetition, double value) => new()
        {
            RunId = "r", Provider = "lab", Cni = "calico", Test = "tcp", Variant = "1-stream", Topology = "cross-node",
            Repetition = repetition, Metric = metric, Value = value, Unit = "bit/s",
        };
        var steady = new[] { 10.0, 10, 10, 10, 10 }.Select((v, i) => Rep(Metrics.ThroughputBps, i + 1, v));
        var unjudged = new[] { 1.0, 5, 9, 2, 7 }.Select((v, i) => Rep(Metrics.HostCpuUserSeconds, i + 1, v));

        var detectable = Assert.Single(DetectableChange.OfRun([.. steady, .. unjudged], ComparisonOptions.Default, TestKinds.Metrics));

        Assert.Equal((Metrics.ThroughputBps, 1), (detectable.Metric, detectable.Rows));
        Assert.Equal(5, detectable.Percent, 9);
    }

    [Fact]
    public void OfRun_ScatteredRepetitions_CannotSeeLessThanTheirSpread()
    {
        static Measurement Rep(int repetition, double value) => new()
        {
            RunId = "r", Provider = "lab", Cni = "calico", Test = "tcp", Variant = "1-stream", Topology = "cross-node",
            Repetition = repetition, Metric = Metrics.ThroughputBps, Value = value, Unit = "bit/s",
        };

        var detectable = Assert.Single(DetectableChange.OfRun(new[] { 12.0, 8.8, 10.9, 8.6, 13.0 }.Select((v, i) => Rep(i + 1, v)), ComparisonOptions.Default, TestKinds.Metrics));

        Assert.True(detectable.Percent > 25, $"five repetitions scattered by ±20% read as detecting {detectable.Text}");
    }
}
