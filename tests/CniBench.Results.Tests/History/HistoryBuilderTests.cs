using CniBench.Core.Measurements;
using CniBench.Results.Compare;
using CniBench.Results.History;
using CniBench.Results.Tests.Compare;
using CniBench.Runs;

namespace CniBench.Results.Tests.History;

public sealed class HistoryBuilderTests : IDisposable
{
    private static readonly SeriesKey Key = new("flannel", "tcp", "1-stream", Topologies.CrossNode, Metrics.ThroughputBps);
    private readonly TempRunDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void FindRegressionStart_DropThatStays_FlagsFirstSlowRun()
    {
        var points = Points(10, 10, 10, 10.1, 9, 9, 9.05);

        var start = HistoryBuilder.FindRegressionStart(points, MetricDirection.HigherIsBetter, new HistoryOptions());

        Assert.NotNull(start);
        Assert.Equal(4, start.PointIndex);
        Assert.Equal("run4", start.RunId);
        Assert.Equal(Verdict.Slower, start.Comparison.Verdict);
    }

    [Fact]
    public void FindRegressionStart_DipThatRecovers_NotFlagged()
    {
        var points = Points(10, 10, 10, 9, 10, 10);

        Assert.Null(HistoryBuilder.FindRegressionStart(points, MetricDirection.HigherIsBetter, new HistoryOptions()));
    }

    [Fact]
    public void FindRegressionStart_Improvement_NotFlagged()
    {
        var points = Points(10, 10, 11, 11, 11);

        Assert.Null(HistoryBuilder.FindRegressionStart(points, MetricDirection.HigherIsBetter, new HistoryOptions()));
    }

    [Fact]
    public void FindRegressionStart_LatencyRises_Flagged()
    {
        var points = Points(2, 2, 2, 2.4, 2.4);

        Assert.Equal(3, HistoryBuilder.FindRegressionStart(points, MetricDirection.LowerIsBetter, new HistoryOptions())?.PointIndex);
    }

    [Fact]
    public async Task BuildAsync_FoldersNamedOutOfOrder_SortedByRunJsonStartAndFiltered()
    {
        // Folder names sort the other way round from the start times: the order must come from run.json.
        double[] medians = [9e9, 9e9, 8e9, 8e9];
        for (var i = 0; i < medians.Length; i++)
        {
            var runId = $"run{i}";
            await RunFixtures.WriteAsync(Path.Join(_temp.Path, $"z{9 - i}"), RunFixtures.Info(runId, RunFixtures.Start.AddDays(i)),
            [
                .. RunFixtures.Series(runId, "flannel", Metrics.ThroughputBps, Metrics.BitsPerSecond, RunFixtures.Values(medians[i], 5)),
                .. RunFixtures.Series(runId, "flannel", Metrics.HostCpuPercent, Metrics.Percent, RunFixtures.Values(50, 5)),
            ]);
        }

        await File.WriteAllTextAsync(Path.Join(Directory.CreateDirectory(Path.Join(_temp.Path, "broken")).FullName, RunFolder.MeasurementsCsv),
            "not,a,header\n", TestContext.Current.CancellationToken);

        var report = await HistoryBuilder.BuildAsync(_temp.Path, new HistoryOptions(), TestKinds.Metrics, TestContext.Current.CancellationToken);

        Assert.Equal(["run0", "run1", "run2", "run3"], report.Runs.Select(r => r.RunId));
        var series = Assert.Single(report.Series);
        Assert.Equal(Metrics.ThroughputBps, series.Key.Metric);
        Assert.Equal("run2", series.Regression?.RunId);
        Assert.NotNull(series.Points[0].Ci95Low);
        Assert.Contains("broken", Assert.Single(report.Skipped), StringComparison.Ordinal);
        Assert.Contains("| run2 |", HistoryMarkdown.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_NoFilter_HeadlineMetricsOnly()
    {
        var options = new HistoryOptions();

        Assert.True(options.Includes(Metrics.ThroughputBps));
        Assert.True(options.Includes("latency_p99_ms"));
        Assert.False(options.Includes("latency_p50_ms"));
        Assert.False(options.Includes(Metrics.HostCpuPercent));
        Assert.True(new HistoryOptions { Metrics = [Metrics.HostCpuPercent] }.Includes(Metrics.HostCpuPercent));
    }

    private static List<HistoryPoint> Points(params double[] centers) =>
        [.. centers.Select((c, i) => new HistoryPoint($"run{i}", RunFixtures.Start.AddDays(i), RunFixtures.Values(c, 5), c, null, null))];
}
