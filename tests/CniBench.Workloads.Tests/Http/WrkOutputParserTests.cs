using CniBench.Core.Measurements;
using CniBench.Workloads.Http;

namespace CniBench.Workloads.Tests.Http;

public sealed class WrkOutputParserTests
{
    private static WrkOutcome ParseFixture(string name)
    {
        var (stdout, stderr) = TestAssets.Wrk(name);
        return WrkOutputParser.Parse(stdout, stderr);
    }

    [Fact]
    public void Parse_KeepAliveRun_ReadsTotalsPercentilesAndGeneratorCpu()
    {
        var result = Assert.IsType<WrkResult>(ParseFixture("keepalive-1KiB"));

        Assert.Equal(119_534, result.Requests);
        Assert.Equal(152_764_452, result.Bytes);
        Assert.Equal(TimeSpan.FromMicroseconds(2_099_793), result.Duration);
        Assert.Equal(new WrkLatency(
            TimeSpan.FromMicroseconds(372), TimeSpan.FromMicroseconds(3198), TimeSpan.FromMicroseconds(10_396),
            TimeSpan.FromMicroseconds(17_590), TimeSpan.FromMicroseconds(20_480)), result.Latency);
        Assert.Equal(new GeneratorCpu(0.17, 0.70, 2.14), result.Cpu);
        Assert.Equal(56_926.6, result.RequestsPerSecond, 0.1);
    }

    [Fact]
    public void ToObservations_KeepAliveRun_GivesEveryMetricInItsUnit()
    {
        var result = Assert.IsType<WrkResult>(ParseFixture("keepalive-1KiB"));

        var observations = result.ToObservations().ToDictionary(o => o.Metric);

        Assert.Equal(
            [Metrics.RequestsPerSecond, Metrics.TransferBps, Metrics.LatencyP50Ms, Metrics.LatencyP90Ms, Metrics.LatencyP99Ms,
             Metrics.LatencyP999Ms, Metrics.LatencyMaxMs, Metrics.HttpErrors, Metrics.HttpNon2xx, Metrics.GeneratorCpuPercent],
            observations.Keys);
        Assert.Equal(Metrics.RequestsPerSecondUnit, observations[Metrics.RequestsPerSecond].Unit);
        Assert.Equal(152_764_452 * 8 / 2.099793, observations[Metrics.TransferBps].Value, 1);
        Assert.Equal(10.396, observations[Metrics.LatencyP99Ms].Value, 6);
        Assert.Equal(0, observations[Metrics.HttpErrors].Value);
        Assert.Equal((0.17 + 0.70) / 2.14 * 100, observations[Metrics.GeneratorCpuPercent].Value, 6);
    }

    [Theory]
    [InlineData("keepalive-1KiB")]
    [InlineData("close-100KiB")]
    [InlineData("fixed-rate-1KiB")]
    public void Parse_EveryRecordedRun_HasOrderedPercentiles(string name)
    {
        var latency = Assert.IsType<WrkResult>(ParseFixture(name)).Latency;

        Assert.True(latency.P50 > TimeSpan.Zero);
        Assert.True(latency.P50 <= latency.P90 && latency.P90 <= latency.P99 && latency.P99 <= latency.P999 && latency.P999 <= latency.Max, latency.ToString());
    }

    [Fact]
    public void Parse_CloseRunOf100KiB_ReadsAboutOnePayloadPerRequest()
    {
        var result = Assert.IsType<WrkResult>(ParseFixture("close-100KiB"));

        Assert.Equal(7651, result.Requests);
        Assert.InRange(result.Bytes / (double)result.Requests, 102_400, 102_400 + 400);
    }

    [Fact]
    public void Parse_AllNotFound_CountsThemAsNon2xxNotSocketErrors()
    {
        var result = Assert.IsType<WrkResult>(ParseFixture("not-found"));

        Assert.Equal(1782, result.Errors.Status);
        Assert.Equal(0, result.Errors.Socket);
        Assert.Equal(1782, result.ToObservations().Single(o => o.Metric == Metrics.HttpNon2xx).Value);
    }

    [Fact]
    public void Parse_ConnectionRefused_FailsWithWrksOwnWordsOnly()
    {
        var failure = Assert.IsType<WrkFailure>(ParseFixture("refused"));

        Assert.Equal("wrk printed no summary: unable to connect to 127.0.0.1:8099 Connection refused", failure.Reason);
    }

    [Theory]
    [InlineData("CNIBENCH_WRK {not json", "not valid JSON")]
    [InlineData("CNIBENCH_WRK {\"requests\":1}", "lacks")]
    [InlineData("", "no summary: no output")]
    public void Parse_BrokenSummary_FailsWithoutThrowing(string stdout, string expected)
    {
        var failure = Assert.IsType<WrkFailure>(WrkOutputParser.Parse(stdout, ""));

        Assert.Contains(expected, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoRequestCompleted_FailsWithTheErrorCounts()
    {
        const string stdout = """CNIBENCH_WRK {"requests":0,"bytes":0,"duration_us":1000000,"errors":{"connect":2,"read":0,"write":0,"status":0,"timeout":5},"latency_us":{"p50":0,"p90":0,"p99":0,"p999":0,"max":0}}""";

        var failure = Assert.IsType<WrkFailure>(WrkOutputParser.Parse(stdout, ""));

        Assert.Equal("wrk completed no request (errors: connect 2, read 0, write 0, timeout 5)", failure.Reason);
    }

    [Fact]
    public void ParseCpu_NoTimeLine_IsNullAndNoCpuMetric()
    {
        var (stdout, _) = TestAssets.Wrk("keepalive-1KiB");

        var result = Assert.IsType<WrkResult>(WrkOutputParser.Parse(stdout, "wrk: killed"));

        Assert.Null(result.Cpu);
        Assert.DoesNotContain(result.ToObservations(), o => o.Metric == Metrics.GeneratorCpuPercent);
    }
}
