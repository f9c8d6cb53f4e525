using CniBench.Core.Measurements;
using CniBench.Results.Compare;

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
}
