using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Charts.Tests;

public sealed class ThroughputCpuChartTests
{
    private static IReadOnlyList<SummaryRow> Summary()
    {
        var rows = new List<Measurement>();
        void Add(string cni, string topology, double gbps, double coresPerGbps)
        {
            for (var rep = 1; rep <= 3; rep++)
            {
                rows.Add(Row(cni, topology, rep, Metrics.ThroughputBps, gbps * 1e9, Metrics.BitsPerSecond));
                rows.Add(Row(cni, topology, rep, Metrics.DatapathCpuCoresPerGbps, coresPerGbps, Metrics.Cores));
            }
        }

        Add("calico", Topologies.CrossNode, 9.1, 0.21);
        Add("calico+wireguard", Topologies.CrossNode, 1.3, 1.45);
        Add("flannel", Topologies.CrossNode, 7.5, 0.27);
        Add("flannel", Topologies.SameNode, 30, 0.05);
        return SummaryBuilder.Build(rows);
    }

    private static Measurement Row(string cni, string topology, int rep, string metric, double value, string unit) => new()
    {
        RunId = "r",
        Provider = "lab",
        Cni = cni,
        Test = "tcp",
        Variant = "1-stream",
        Topology = topology,
        Repetition = rep,
        Metric = metric,
        Value = value,
        Unit = unit,
    };

    [Fact]
    public void Points_CrossNodeMedians_OnePerCniAndVariantWithBothFigures()
    {
        var points = ThroughputCpuChart.Points(Summary(), "tcp");

        Assert.Equal(["calico", "calico+wireguard", "flannel"], points.Select(p => p.Cni));
        var wg = points.Single(p => p.Cni == "calico+wireguard");
        Assert.Equal((1.3, 1.45), (Math.Round(wg.ThroughputGbps, 3), Math.Round(wg.CoresPerGbps, 3)));
    }

    [Fact]
    public void LogTicks_SpanOfTwoDecades_AreOneTwoFiveSteps()
    {
        var ticks = ThroughputCpuChart.LogTicks(Math.Log10(0.4), Math.Log10(30));

        Assert.Equal(["0.5", "1", "2", "5", "10", "20"], ticks.Select(t => t.Label));
    }

    [Fact]
    public void RenderAll_TcpWithCost_WritesPngAndSvgOnlyForTestsWithData()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-cost-").FullName;
        try
        {
            var written = ThroughputCpuChart.RenderAll(Summary(), dir);

            Assert.Equal(["tcp-1-stream-throughput-vs-cpu.png", "tcp-1-stream-throughput-vs-cpu.svg"], written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.InRange(new FileInfo(written[0]).Length, 10_000, 2_000_000);
            Assert.Contains("calico+wireguard", File.ReadAllText(Path.Join(dir, "tcp-1-stream-throughput-vs-cpu.svg")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
