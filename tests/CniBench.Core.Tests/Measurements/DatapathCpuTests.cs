using CniBench.Core.Measurements;

namespace CniBench.Core.Tests.Measurements;

public sealed class DatapathCpuTests
{
    [Fact]
    public void CoresPerGbps_ToolsAndDaemon_AddUpPerGbitPerSecond()
    {
        Observation[] observations =
        [
            new(Metrics.ThroughputBps, 200e6, Metrics.BitsPerSecond),
            new(Metrics.ToolClientCpuPercent, 5, Metrics.Percent),
            new(Metrics.ToolServerCpuPercent, 3, Metrics.Percent),
            new(Metrics.DaemonCpuPercent, 12, Metrics.Percent),
        ];

        var cost = DatapathCpu.CoresPerGbps(observations)!;

        // 0.20 cores at 0.2 Gbit/s.
        Assert.Equal(Metrics.DatapathCpuCoresPerGbps, cost.Metric);
        Assert.Equal(1.0, cost.Value, 9);
    }

    [Fact]
    public void CoresPerGbps_NoDaemonFigure_CountsTheToolsOnly()
    {
        Observation[] observations =
        [
            new(Metrics.ThroughputBps, 1e9, Metrics.BitsPerSecond),
            new(Metrics.ToolClientCpuPercent, 30, Metrics.Percent),
            new(Metrics.ToolServerCpuPercent, 20, Metrics.Percent),
        ];

        Assert.Equal(0.5, DatapathCpu.CoresPerGbps(observations)!.Value, 9);
    }

    [Fact]
    public void CoresPerGbps_WithoutToolCpuOrThroughput_IsNull()
    {
        Assert.Null(DatapathCpu.CoresPerGbps([new Observation(Metrics.ThroughputBps, 1e9, Metrics.BitsPerSecond)]));
        Assert.Null(DatapathCpu.CoresPerGbps([
            new Observation(Metrics.ThroughputBps, 0, Metrics.BitsPerSecond),
            new Observation(Metrics.ToolClientCpuPercent, 1, Metrics.Percent),
            new Observation(Metrics.ToolServerCpuPercent, 1, Metrics.Percent)]));
    }
}
