using CniBench.Workloads.Http;

namespace CniBench.Workloads.Tests.Http;

public sealed class WrkToolTests
{
    private static readonly WrkRequest Request = new()
    {
        Url = new Uri("http://198.19.2.2:8080/1KiB"),
        Duration = TimeSpan.FromSeconds(3),
        ScriptPath = "/tmp/cnb-wrk-1/saturation.lua",
    };

    [Fact]
    public void Command_KeepAlive_RunsWrkUnderGnuTimeWithLatencyAndScript()
    {
        var spec = WrkTool.Command(Request);

        Assert.Equal("time", spec.Program);
        Assert.Equal(
            ["-f", "CNIBENCH_TIME %U %S %e", "wrk", "-t", "2", "-c", "32", "-d", "3s", "--timeout", "2s", "--latency",
             "-s", "/tmp/cnb-wrk-1/saturation.lua", "http://198.19.2.2:8080/1KiB"],
            spec.Arguments);
    }

    [Fact]
    public void Command_CloseAndFractionalTimes_AddsConnectionCloseAndRoundsSecondsUp()
    {
        var spec = WrkTool.Command(Request with { CloseConnections = true, Duration = TimeSpan.FromMilliseconds(1500), RequestTimeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(["-d", "2s", "--timeout", "1s"], spec.Arguments.Skip(7).Take(4));
        Assert.Equal(["-H", "Connection: close", "http://198.19.2.2:8080/1KiB"], spec.Arguments.TakeLast(3));
    }

    [Fact]
    public void Command_MoreThreadsThanConnections_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WrkTool.Command(Request with { Threads = 4, Connections = 2 }));
    }

    [Fact]
    public void Script_Saturation_ReportsButDoesNotPace()
    {
        var script = WrkTool.Script(null, 32);

        Assert.Contains("function done(summary, latency, requests)", script, StringComparison.Ordinal);
        Assert.Contains("'CNIBENCH_WRK {", script, StringComparison.Ordinal);
        Assert.Contains("latency:percentile(99.9)", script, StringComparison.Ordinal);
        // wrk paces every request through a timer as soon as the script defines delay(), even one returning 0.
        Assert.DoesNotContain("function delay", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_FixedRate_PacesEachConnectionAtItsShareOfTheRate()
    {
        var script = WrkTool.Script(12_800, 32);

        Assert.Contains("local mean_delay_ms = 2.5\n", script, StringComparison.Ordinal);
        Assert.Contains("function delay()", script, StringComparison.Ordinal);
        Assert.Contains("function done(", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Script_ConnectTo_ResolvesEveryHostToThatAddressAndDoesNotResolveAnythingElse()
    {
        var script = WrkTool.Script(null, 32, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.96.7.7"), 443));

        Assert.Contains("function wrk.resolve(host, service)\n  wrk.addrs = wrk.lookup(\"10.96.7.7\", \"443\")\nend\n", script, StringComparison.Ordinal);
        Assert.Contains("function done(", script, StringComparison.Ordinal);
        Assert.DoesNotContain("wrk.resolve", WrkTool.Script(null, 32), StringComparison.Ordinal);
    }

    [Fact]
    public void Script_NonPositiveRate_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WrkTool.Script(0, 32));
    }
}
