using CniBench.Core.Measurements;
using CniBench.Results;
using CniBench.Runs;

namespace CniBench.Charts.Tests;

public sealed class ChartModelBuilderTests
{
    [Fact]
    public void Build_LabSummary_GroupsByVariantThenTopologyWithoutFailedCni()
    {
        var throughput = Assert.Single(ChartModelBuilder.Build(ChartFixtures.LabSummary(), TestKinds.Metrics), m => m.FileStem == "tcp-throughput");

        Assert.Equal(
            ["streams-1\nsame-node", "streams-1\ncross-node", "streams-4\nsame-node", "streams-4\ncross-node"],
            throughput.Groups.Select(g => g.Label));
        Assert.Equal(["calico", "flannel"], throughput.Cnis);
        Assert.DoesNotContain(throughput.Groups.SelectMany(g => g.Bars), b => b.Cni == "weave" || b.Cni == Underlay.Name);
        Assert.Equal("Throughput (Gbit/s)", throughput.YAxisLabel);
        Assert.Equal("TCP throughput (iperf3), median with 95% CI of the mean, n=3", throughput.Title);
    }

    [Fact]
    public void Build_LabSummary_UnderlayReferencePerVariantInDisplayUnits()
    {
        var throughput = Assert.Single(ChartModelBuilder.Build(ChartFixtures.LabSummary(), TestKinds.Metrics), m => m.FileStem == "tcp-throughput");

        Assert.Equal(2, throughput.Underlay.Count);
        Assert.Equal(31.5, throughput.Underlay.Single(u => u.Variant == "streams-1").Median, 9);
        Assert.Equal(38.2, throughput.Underlay.Single(u => u.Variant == "streams-4").Median, 9);
    }

    [Fact]
    public void Build_LabSummary_CiInDisplayUnitsAroundMedian()
    {
        var throughput = Assert.Single(ChartModelBuilder.Build(ChartFixtures.LabSummary(), TestKinds.Metrics), m => m.FileStem == "tcp-throughput");
        var flannelCross = throughput.Groups.Single(g => g.Variant == "streams-1" && g.Topology == Topologies.CrossNode).Bars.Single(b => b.Cni == "flannel");

        Assert.Equal(11.2, flannelCross.Median, 9);
        Assert.True(flannelCross.Ci95Low < 11.2 && flannelCross.Ci95High > 11.2);
    }

    [Fact]
    public void Build_TestOfAKindThatNamesItsMeasurements_TitlesItsChartsWithThatNameWhateverTheTest()
    {
        var bulk = new MetricDeclarations([]) { ChartTitle = "Bulk transfer (iperf3)" };
        var metrics = new MetricRegistry(SharedMetrics.Declarations, [KeyValuePair.Create("bulk", bulk)]);
        IReadOnlyList<SummaryRow> rows = [.. ChartFixtures.LabSummary().Select(r => r with { Test = "bulk" })];

        var models = ChartModelBuilder.Build(rows, metrics).ToDictionary(m => m.FileStem);

        Assert.StartsWith("Bulk transfer (iperf3), median", models["bulk-throughput"].Title, StringComparison.Ordinal);
        Assert.StartsWith("Host CPU during Bulk transfer (iperf3), median", models["bulk-cpu"].Title, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_KindThatRetitlesASharedMetric_GetsItsOwnTitleForThatChartOnly()
    {
        // ingress and http both write requests_per_second; the ingress kind says what its bars are.
        IReadOnlyList<SummaryRow> rows = [.. ChartFixtures.LabSummary().Where(r => r.Metric == Metrics.ThroughputBps).Select(r => r with { Test = "ingress", Metric = Metrics.RequestsPerSecond, Unit = Metrics.RequestsPerSecondUnit })];

        var model = Assert.Single(ChartModelBuilder.Build(rows, TestKinds.Metrics));

        Assert.StartsWith("Ingress requests/s per controller", model.Title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(25e9, "Gbit/s", 1e9)]
    [InlineData(940e6, "Mbit/s", 1e6)]
    [InlineData(12e3, "kbit/s", 1e3)]
    [InlineData(500, "bit/s", 1)]
    public void ForBitsPerSecond_Magnitude_PicksReadableUnit(double largest, string unit, double divisor)
    {
        var scale = DisplayScale.ForBitsPerSecond(largest);

        Assert.Equal(unit, scale.Unit);
        Assert.Equal(divisor, scale.Divisor);
    }
}
