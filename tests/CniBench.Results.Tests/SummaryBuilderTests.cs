using CniBench.Core.Measurements;

namespace CniBench.Results.Tests;

public sealed class SummaryBuilderTests
{
    [Fact]
    public void Build_OneToFour_StatisticsMatchHandComputedValues()
    {
        var rows = new[] { 1.0, 2, 3, 4 }.Select((v, i) => Samples.Row("flannel", v, repetition: i + 1));

        var row = Assert.Single(SummaryBuilder.Build(rows));

        // Hand-computed: mean 2.5; s = sqrt(5/3) = 1.2909944; t(0.975, df 3) = 3.1824463;
        // half-width = 3.1824463 * 1.2909944 / 2 = 2.0542603.
        Assert.Equal(4, row.N);
        Assert.Equal(2.5, row.Median!.Value, 9);
        Assert.Equal(2.5, row.Mean!.Value, 9);
        Assert.Equal(1.2909944, row.Stdev!.Value, 6);
        Assert.Equal(0.4457397, row.Ci95Low!.Value, 6);
        Assert.Equal(4.5542603, row.Ci95High!.Value, 6);
        Assert.Equal(1, row.Min);
        Assert.Equal(4, row.Max);
        Assert.Equal(Metrics.BitsPerSecond, row.Unit);
    }

    [Fact]
    public void Build_OddCountUnsorted_MedianIsMiddleValue()
    {
        var rows = new[] { 9.0, 1, 5 }.Select((v, i) => Samples.Row("flannel", v, repetition: i + 1));

        var row = Assert.Single(SummaryBuilder.Build(rows));

        Assert.Equal(5, row.Median);
        Assert.Equal(5, row.Mean!.Value, 9);
    }

    [Fact]
    public void Build_SingleValue_SpreadAndIntervalEmpty()
    {
        var row = Assert.Single(SummaryBuilder.Build([Samples.Row("flannel", 7)]));

        Assert.Equal(1, row.N);
        Assert.Equal(7, row.Median);
        Assert.Null(row.Stdev);
        Assert.Null(row.Ci95Low);
        Assert.Null(row.Ci95High);
    }

    [Fact]
    public void Build_UnderlayCrossNode_PercentOfUnderlayForEveryTopology()
    {
        Measurement[] rows =
        [
            Samples.Row(Underlay.Name, 10e9),
            Samples.Row(Underlay.Name, 10e9, repetition: 2),
            Samples.Row("flannel", 8e9),
            Samples.Row("flannel", 8e9, repetition: 2),
            Samples.Row("flannel", 12e9, topology: Topologies.SameNode),
            Samples.Row("flannel", 30, metric: Metrics.HostCpuPercent),
            Samples.Row("calico", 9e9, variant: "streams-8"),
        ];

        var summary = SummaryBuilder.Build(rows);

        Assert.Equal(80, Find(summary, "flannel", Topologies.CrossNode).PctOfUnderlay!.Value, 9);
        Assert.Equal(120, Find(summary, "flannel", Topologies.SameNode).PctOfUnderlay!.Value, 9);
        Assert.Null(Find(summary, Underlay.Name, Topologies.CrossNode).PctOfUnderlay);
        Assert.Null(Find(summary, "flannel", Topologies.CrossNode, Metrics.HostCpuPercent).PctOfUnderlay);
        Assert.Null(Find(summary, "calico", Topologies.CrossNode).PctOfUnderlay); // no underlay for streams-8
    }

    [Fact]
    public void Build_FailedAndUnsupportedRows_CountedAndExcludedFromStatistics()
    {
        Measurement[] rows =
        [
            Samples.Row("flannel", 5e9),
            Samples.Row("flannel", 6e9, repetition: 2),
            Samples.Row("flannel", 1, repetition: 3, status: MeasurementStatus.Failed, reason: "timeout"),
            Samples.Row("weave", null, status: MeasurementStatus.Unsupported, reason: "no vxlan"),
            Samples.Row("weave", null, repetition: 2, status: MeasurementStatus.Unsupported, reason: "no vxlan"),
            Samples.Row("weave", null, repetition: 3, status: MeasurementStatus.Failed, reason: "crash"),
        ];

        var summary = SummaryBuilder.Build(rows);

        var flannel = Find(summary, "flannel", Topologies.CrossNode);
        Assert.Equal(2, flannel.N);
        Assert.Equal(1, flannel.Failed);
        Assert.Equal(5.5e9, flannel.Median);
        Assert.Equal(5e9, flannel.Min);

        var weave = Find(summary, "weave", Topologies.CrossNode);
        Assert.False(weave.HasValues);
        Assert.Equal(0, weave.N);
        Assert.Null(weave.Median);
        Assert.Equal(1, weave.Failed);
        Assert.Equal(2, weave.Unsupported);
    }

    [Fact]
    public async Task WriteAsync_Summary_InvariantColumnsAndEmptyCells()
    {
        Measurement[] rows = [Samples.Row(Underlay.Name, 10e9), Samples.Row("flannel", 7.5e9), Samples.Row("flannel", 8.5e9, repetition: 2)];
        var writer = new StringWriter();

        await SummaryCsv.WriteAsync(writer, SummaryBuilder.Build(rows), TestContext.Current.CancellationToken);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("cni,test,variant,topology,metric,unit,n,median,mean,stdev,ci95_low,ci95_high,min,max,pct_of_underlay,failed,unsupported", lines[0]);
        Assert.Equal("underlay,tcp,streams-1,cross-node,throughput_bps,bit/s,1,10000000000,10000000000,,,,10000000000,10000000000,,0,0", lines[1]);
        Assert.StartsWith("flannel,tcp,streams-1,cross-node,throughput_bps,bit/s,2,8000000000,8000000000,", lines[2], StringComparison.Ordinal);
        Assert.EndsWith(",7500000000,8500000000,80,0,0", lines[2], StringComparison.Ordinal);
    }

    private static SummaryRow Find(IReadOnlyList<SummaryRow> rows, string cni, string topology, string metric = Metrics.ThroughputBps) =>
        Assert.Single(rows, r => r.Cni == cni && r.Topology == topology && r.Metric == metric);
}
