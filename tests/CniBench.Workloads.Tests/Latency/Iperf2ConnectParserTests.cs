using CniBench.Workloads.Crr;

namespace CniBench.Workloads.Tests.Latency;

public sealed class Iperf2ConnectParserTests
{
    [Fact]
    public void Parse_Recorded200Connections_ReadsEveryConnectTimeInMicroseconds()
    {
        var (stdout, stderr) = TestAssets.Recorded("iperf2", "connect-only-200");

        var (result, error) = Iperf2ConnectParser.Parse(stdout, stderr);

        Assert.Null(error);
        Assert.NotNull(result);
        Assert.Equal(200, result.ConnectTimesUs.Count);
        Assert.Equal(0, result.Failed);
        Assert.Equal(164, result.ConnectTimesUs.Count(t => Math.Abs(t - 10) < 1e-9));
        Assert.Equal(6900, result.ConnectTimesUs.Max(), 6);
    }

    [Fact]
    public void Parse_Refused_ReturnsTheReason()
    {
        // iperf2 exits 0 here and still prints a "connected with" line (without a connect time) per attempt.
        var (stdout, stderr) = TestAssets.Recorded("iperf2", "connect-only-refused");

        var (result, error) = Iperf2ConnectParser.Parse(stdout, stderr);

        Assert.Null(result);
        Assert.Contains("Connection refused", error, StringComparison.Ordinal);
    }
}
