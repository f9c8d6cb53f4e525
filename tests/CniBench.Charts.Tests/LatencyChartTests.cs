using CniBench.Core.Measurements;
using CniBench.Results;
using CniBench.Runs;

namespace CniBench.Charts.Tests;

public sealed class LatencyChartTests
{
    /// <summary>calico and flannel, two topologies, the underlay cross-node; two variants; n = 3.</summary>
    private static IReadOnlyList<SummaryRow> HttpSummary()
    {
        var rows = new List<Measurement>();
        void Add(string cni, string variant, string topology, double rps, double p50)
        {
            for (var rep = 1; rep <= 3; rep++)
            {
                var wobble = 1 + (rep - 2) * 0.05;
                rows.Add(Row(cni, variant, topology, rep, Metrics.RequestsPerSecond, rps * wobble, Metrics.RequestsPerSecondUnit));
                rows.Add(Row(cni, variant, topology, rep, Metrics.LatencyP50Ms, p50 * wobble, Metrics.Milliseconds));
                rows.Add(Row(cni, variant, topology, rep, Metrics.LatencyP90Ms, p50 * 4 * wobble, Metrics.Milliseconds));
                rows.Add(Row(cni, variant, topology, rep, Metrics.LatencyP99Ms, p50 * 30 * wobble, Metrics.Milliseconds));
                rows.Add(Row(cni, variant, topology, rep, Metrics.LatencyP999Ms, p50 * 80 * wobble, Metrics.Milliseconds));
            }
        }

        foreach (var variant in new[] { "1KiB-keepalive-saturation", "1KiB-keepalive-fixed-rate" })
        {
            Add(Underlay.Name, variant, Topologies.CrossNode, 40_000, 0.2);
            Add("calico", variant, Topologies.SameNode, 38_000, 0.15);
            Add("calico", variant, Topologies.CrossNode, 27_000, 0.3);
            Add("flannel", variant, Topologies.SameNode, 30_000, 0.2);
            Add("flannel", variant, Topologies.CrossNode, 18_000, 0.6);
        }

        return SummaryBuilder.Build(rows);
    }

    private static Measurement Row(string cni, string variant, string topology, int rep, string metric, double value, string unit) => new()
    {
        RunId = "20261126T120000Z-ab12",
        Provider = "lab",
        Cni = cni,
        Test = "http",
        Variant = variant,
        Topology = topology,
        Repetition = rep,
        Metric = metric,
        Value = value,
        Unit = unit,
        Timestamp = new DateTimeOffset(2026, 11, 26, 12, 0, rep, TimeSpan.Zero),
    };

    [Fact]
    public void RenderAll_HttpSummary_WritesOnePngAndSvgPerVariant()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-latency-").FullName;
        try
        {
            var written = LatencyChart.RenderAll(HttpSummary(), dir);

            Assert.Equal(
                ["http-latency-1KiB-keepalive-fixed-rate.png", "http-latency-1KiB-keepalive-fixed-rate.svg",
                 "http-latency-1KiB-keepalive-saturation.png", "http-latency-1KiB-keepalive-saturation.svg"],
                written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var png = File.ReadAllBytes(written.First(p => p.EndsWith(".png", StringComparison.Ordinal)));
            Assert.InRange(png.Length, 10_000, 2_000_000);
            var svg = File.ReadAllText(written.First(p => p.EndsWith(".svg", StringComparison.Ordinal)));
            Assert.Contains("p99.9", svg, StringComparison.Ordinal);
            Assert.Contains("calico cross-node", svg, StringComparison.Ordinal);
            Assert.Contains("underlay cross-node", svg, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RenderAll_NoHttpRows_WritesNothing()
    {
        Assert.Empty(LatencyChart.RenderAll(ChartFixtures.LabSummary(), Path.Join(Path.GetTempPath(), "cnb-latency-none-" + Guid.NewGuid().ToString("N"))));
    }

    [Fact]
    public void Points_CalicoCrossNode_AreLog10OfTheMediansInPercentileOrder()
    {
        var rows = HttpSummary().Where(r => r.Variant == "1KiB-keepalive-saturation").ToList();

        var points = LatencyChart.Points(rows, "calico", Topologies.CrossNode);

        Assert.Equal([0, 1, 2, 3], points.Select(p => p.Index));
        Assert.Equal(Math.Log10(0.3), points[0].Log10Ms, 9);
        Assert.Equal(Math.Log10(0.3 * 80), points[3].Log10Ms, 9);
    }

    [Fact]
    public void LogTicks_TenthOfAMsToTensOfMs_LabelsOneTwoFiveOfEachDecade()
    {
        var ticks = LatencyChart.LogTicks(Math.Log10(0.15), Math.Log10(48));

        Assert.Equal(["0.1 ms", "0.2 ms", "0.5 ms", "1 ms", "2 ms", "5 ms", "10 ms", "20 ms", "50 ms"], ticks.Select(t => t.Label));
    }

    [Fact]
    public void Build_HttpSummary_ChartsRequestsPerSecondOfSaturationVariantsOnly()
    {
        var model = Assert.Single(ChartModelBuilder.Build(HttpSummary(), TestKinds.Metrics), m => m.FileStem == "http-requests");

        Assert.Equal(["1KiB\nkeepalive"], model.Groups.Select(g => g.Variant).Distinct());
        Assert.Equal("Requests per second", model.YAxisLabel);
        Assert.Equal(40_000, Assert.Single(model.Underlay).Median, 6);
    }
}
