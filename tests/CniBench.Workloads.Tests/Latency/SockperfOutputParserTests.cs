using CniBench.Workloads.Latency;
using CniBench.Workloads.Rr;

namespace CniBench.Workloads.Tests.Latency;

public sealed class SockperfOutputParserTests
{
    [Fact]
    public void Parse_RecordedTcpPingPong_ReadsSummaryAndEverySample()
    {
        var (stdout, stderr) = TestAssets.Recorded("sockperf", "pingpong-tcp-14B");

        var (result, error) = SockperfOutputParser.Parse(stdout, stderr);

        Assert.Null(error);
        Assert.NotNull(result);
        Assert.Equal(1100, result.ReceivedMessages);
        Assert.Equal(0.548, result.ValidDuration.TotalSeconds, 3);
        Assert.Equal(1100 / 0.548, result.TransactionsPerSecond, 6);
        Assert.Equal(1100, result.RoundTripsUs.Count);
        Assert.Equal(20.017, result.ToolPercentilesUs[50]);
        Assert.Equal(6969.558, result.ToolPercentilesUs[99.9]);
        Assert.Equal(7634.308, result.ToolPercentilesUs[SockperfOutputParser.Max]);
    }

    [Fact]
    public void Parse_RecordedTcpPingPong_MergedPercentilesAgreeWithSockperfsOwn()
    {
        // One flow merged with nothing is that flow: the harness's percentiles must match what sockperf printed.
        var (stdout, stderr) = TestAssets.Recorded("sockperf", "pingpong-tcp-14B");
        var (result, _) = SockperfOutputParser.Parse(stdout, stderr);

        var observations = LatencySamples.Percentiles([result!.RoundTripsUs], [50, 99]).ToDictionary(o => o.Metric, o => o.Value);

        Assert.Equal(result.ToolPercentilesUs[50], observations[Core.Measurements.Metrics.LatencyP50Us], 0.05 * result.ToolPercentilesUs[50]);
        Assert.Equal(result.ToolPercentilesUs[SockperfOutputParser.Max], observations[Core.Measurements.Metrics.LatencyMaxUs], 0.01);
    }

    [Fact]
    public void Parse_NoServer_ReturnsSockperfsOwnComplaint()
    {
        var (stdout, stderr) = TestAssets.Recorded("sockperf", "pingpong-udp-noserver");

        var (result, error) = SockperfOutputParser.Parse(stdout, stderr);

        Assert.Null(result);
        Assert.Contains("No messages were received from the server", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SummaryWithoutSamples_IsAnError()
    {
        var (stdout, _) = TestAssets.Recorded("sockperf", "pingpong-tcp-14B");

        var (result, error) = SockperfOutputParser.Parse(stdout, "");

        Assert.Null(result);
        Assert.Contains("full log", error, StringComparison.Ordinal);
    }
}
