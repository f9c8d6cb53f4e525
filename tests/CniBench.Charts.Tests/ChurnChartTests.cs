using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Charts.Tests;

public sealed class ChurnChartTests
{
    private const string Timeline = """
        {
          "cni": "calico", "controller": "nginx", "repetition": 1, "steady_p99_ms": 2.0,
          "slices": [
            {"index": 0, "start_seconds": 0.0, "end_seconds": 1.02, "requests": 20000, "requests_per_second": 20000, "connect_errors": 0, "read_errors": 0, "write_errors": 0, "timeout_errors": 0, "non2xx": 0, "p99_ms": 2.1, "max_ms": 5},
            {"index": 1, "start_seconds": 1.02, "end_seconds": 2.04, "requests": 15000, "requests_per_second": 15000, "connect_errors": 0, "read_errors": 12, "write_errors": 0, "timeout_errors": 0, "non2xx": 3, "p99_ms": 9.5, "max_ms": 30},
            {"index": 2, "start_seconds": 2.04, "end_seconds": 3.06, "failure": "wrk completed no request"}
          ],
          "changes": [
            {"label": "scale 2→4", "at_seconds": 1.0, "applied_seconds": 1.2},
            {"label": "route → web-v2", "at_seconds": 2.0, "error": "no new worker process within 30 s"}
          ]
        }
        """;

    private static Measurement Row(string variant, string metric, double value) => new()
    {
        RunId = "20261126T120000Z-ab12",
        Provider = "lab",
        Cni = "calico",
        Test = "ingress",
        Variant = variant,
        Topology = Topologies.Ingress,
        Repetition = 1,
        Metric = metric,
        Value = value,
        Unit = Metrics.Milliseconds,
        Timestamp = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void RenderAll_TimelineAndLatencyRows_WritesChurnChartWithChangesAndLatencyChartPerCni()
    {
        var run = Directory.CreateTempSubdirectory("cnb-churn-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Join(run, "raw", "calico"));
            File.WriteAllText(Path.Join(run, "raw", "calico", "ingress-nginx-ingress-r1-timeline.json"), Timeline);
            File.WriteAllText(Path.Join(run, "raw", "calico", "ingress-yarp-ingress-r1-timeline.json"), "{ damaged");
            var summary = SummaryBuilder.Build(
            [
                .. new[] { "direct", "nginx", "yarp" }.SelectMany((v, i) => new[]
                {
                    Row(v, Metrics.LatencyP50Ms, 0.2 * (i + 1)), Row(v, Metrics.LatencyP90Ms, 1.0 * (i + 1)),
                    Row(v, Metrics.LatencyP99Ms, 5.0 * (i + 1)), Row(v, Metrics.LatencyP999Ms, 9.0 * (i + 1)),
                }),
            ]);

            var written = ChurnChart.RenderAll(summary, run, Path.Join(run, "charts"));

            Assert.Equal(
                ["ingress-churn-calico-nginx.png", "ingress-churn-calico-nginx.svg", "ingress-latency-calico.png", "ingress-latency-calico.svg"],
                written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            var svg = File.ReadAllText(Path.Join(run, "charts", "ingress-churn-calico-nginx.svg"));
            Assert.Contains("scale 2→4", svg, StringComparison.Ordinal);
            Assert.Contains("route → web-v2 (failed)", svg, StringComparison.Ordinal);
            Assert.Contains("failed + non-2xx r1", svg, StringComparison.Ordinal);
            var latency = File.ReadAllText(Path.Join(run, "charts", "ingress-latency-calico.svg"));
            Assert.Contains("direct (no controller)", latency, StringComparison.Ordinal);
            Assert.Contains("yarp", latency, StringComparison.Ordinal);
            Assert.InRange(new FileInfo(Path.Join(run, "charts", "ingress-churn-calico-nginx.png")).Length, 10_000, 2_000_000);
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    [Fact]
    public void RenderAll_NoRawFolderAndNoIngressRows_WritesNothing()
    {
        var run = Path.Join(Path.GetTempPath(), "cnb-churn-none-" + Guid.NewGuid().ToString("N"));

        Assert.Empty(ChurnChart.RenderAll([], run, Path.Join(run, "charts")));
        Assert.False(Directory.Exists(run));
    }
}
