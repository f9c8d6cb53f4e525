using CniBench.Core.Measurements;
using CniBench.Results;
using CniBench.Runs;

namespace CniBench.Charts.Tests;

/// <summary>rr and crr get bar charts of their median and tail latency and their rate, with the underlay as a line.</summary>
public sealed class LatencyBarsTests
{
    private static IReadOnlyList<SummaryRow> RrSummary()
    {
        var rows = new List<Measurement>();
        foreach (var (cni, p50) in new[] { (Underlay.Name, 29.0), ("calico", 35.0), ("calico+wireguard", 480.0) })
        {
            for (var rep = 1; rep <= 3; rep++)
            {
                rows.Add(Row(cni, rep, Metrics.LatencyP50Us, p50 + rep, Metrics.Microseconds));
                rows.Add(Row(cni, rep, Metrics.LatencyP99Us, 3 * p50 + rep, Metrics.Microseconds));
                rows.Add(Row(cni, rep, Metrics.TransactionsPerSecond, 1e6 / p50, Metrics.TransactionsPerSecondUnit));
            }
        }

        return SummaryBuilder.Build(rows);
    }

    private static Measurement Row(string cni, int rep, string metric, double value, string unit) => new()
    {
        RunId = "20261206T080000Z-ab12",
        Provider = "lab",
        Cni = cni,
        Test = "rr",
        Variant = "tcp-14B-1-flow",
        Topology = Topologies.CrossNode,
        Repetition = rep,
        Metric = metric,
        Value = value,
        Unit = unit,
        Timestamp = new DateTimeOffset(2026, 12, 6, 8, 0, rep, TimeSpan.Zero),
    };

    [Fact]
    public void Build_RrSummary_ChartsP50P99AndRateWithTheUnderlayAsReference()
    {
        var models = ChartModelBuilder.Build(RrSummary(), TestKinds.Metrics).ToDictionary(m => m.FileStem);

        Assert.Contains("rr-latency-p50", models.Keys);
        Assert.Contains("rr-latency-p99", models.Keys);
        Assert.Contains("rr-transactions", models.Keys);
        var p50 = models["rr-latency-p50"];
        Assert.Equal(["calico", "calico+wireguard"], p50.Cnis);
        Assert.Equal(31, Assert.Single(p50.Underlay).Median, 9);
        Assert.Equal("Latency p50 (us)", p50.YAxisLabel);
        Assert.StartsWith("Round trip p50, rr (sockperf ping-pong), lower is better", p50.Title, StringComparison.Ordinal);
        Assert.Equal("Transactions per second", models["rr-transactions"].YAxisLabel);
    }
}
