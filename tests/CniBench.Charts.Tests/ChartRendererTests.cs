using CniBench.Core.Measurements;
using CniBench.Results;
using CniBench.Runs;

namespace CniBench.Charts.Tests;

public sealed class ChartRendererTests
{
    [Fact]
    public void RenderAll_LabSummary_WritesPlausiblePngAndSvgPerChart()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-charts-").FullName;
        try
        {
            var written = ChartRenderer.RenderAll(ChartFixtures.LabSummary(), dir, TestKinds.Metrics);
            KeepForInspection(written);

            Assert.Equal(
                ["tcp-cpu.png", "tcp-cpu.svg", "tcp-throughput.png", "tcp-throughput.svg"],
                written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var png in written.Where(p => p.EndsWith(".png", StringComparison.Ordinal)))
            {
                var bytes = File.ReadAllBytes(png);
                Assert.InRange(bytes.Length, 10_000, 2_000_000);
                Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
                Assert.Equal(ChartRenderer.Width, ReadBigEndian(bytes, 16));
                Assert.Equal(ChartRenderer.Height, ReadBigEndian(bytes, 20));
            }

            var svg = File.ReadAllText(Path.Join(dir, "tcp-throughput.svg"));
            Assert.InRange(svg.Length, 5_000, 5_000_000);
            Assert.Contains("<svg", svg, StringComparison.Ordinal);
            Assert.EndsWith("</svg>", svg.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RenderAll_SixCnisThreeVariants_WritesThroughputChartInMbits()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-charts-").FullName;
        try
        {
            var written = ChartRenderer.RenderAll(ChartFixtures.ManyCnis(), dir, TestKinds.Metrics);
            KeepForInspection(written, "many-");

            Assert.Equal(["tcp-throughput.png", "tcp-throughput.svg"], written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.InRange(new FileInfo(written[0]).Length, 10_000, 2_000_000);
            Assert.Contains("Mbit/s", File.ReadAllText(Path.Join(dir, "tcp-throughput.svg")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void RenderAll_NoThroughputRows_WritesNothing()
    {
        var dir = Directory.CreateTempSubdirectory("cnb-charts-").FullName;
        try
        {
            SummaryRow[] rows = [new() { Cni = "flannel", Test = "tcp", Variant = "v", Topology = "same-node", Metric = Metrics.ThroughputBps, Failed = 3 }];

            Assert.Empty(ChartRenderer.RenderAll(rows, dir, TestKinds.Metrics));
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ColorOf_TwelveClusters_VariantsAreShadesOfTheirCniAndAllDiffer()
    {
        string[] order = ["calico", "calico+vxlan", "calico+wireguard", "canal", "cilium", "cilium+ipsec", "cilium+wireguard", "flannel", "flannel+host-gw", "flannel+wireguard", "kube-router", "weavenet"];

        var colors = order.Select(c => ChartRenderer.ColorOf(c, order)).ToList();

        Assert.Equal(order.Length, colors.Distinct().Count());
        Assert.NotEqual(ChartRenderer.ColorOf("calico", order), ChartRenderer.ColorOf("weavenet", order));
        Assert.Equal(ChartRenderer.ColorOf("calico", order).Lighten(0.3), ChartRenderer.ColorOf("calico+vxlan", order));
    }

    [Fact]
    public void ColorOf_SameCniInDifferentCharts_SameColour()
    {
        var order = ChartModelBuilder.CniOrder(ChartFixtures.LabSummary());

        Assert.Equal(["calico", "flannel", "weave"], order);
        Assert.Equal(ChartRenderer.ColorOf("flannel", order), ChartRenderer.ColorOf("flannel", order));
        Assert.NotEqual(ChartRenderer.ColorOf("flannel", order), ChartRenderer.ColorOf("calico", order));
    }

    /// <summary>Set CNIBENCH_KEEP_CHARTS to a folder to look at the rendered charts.</summary>
    private static void KeepForInspection(IReadOnlyList<string> written, string prefix = "")
    {
        var keep = Environment.GetEnvironmentVariable("CNIBENCH_KEEP_CHARTS");
        if (string.IsNullOrEmpty(keep))
        {
            return;
        }

        Directory.CreateDirectory(keep);
        foreach (var file in written)
        {
            File.Copy(file, Path.Join(keep, prefix + Path.GetFileName(file)), overwrite: true);
        }
    }

    private static int ReadBigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
}
