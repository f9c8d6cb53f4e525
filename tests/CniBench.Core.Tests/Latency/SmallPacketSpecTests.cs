using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Core.Tests.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Udp;

namespace CniBench.Core.Tests.Latency;

/// <summary>The small-packet rate: udp with a payload of its own, named in every variant.</summary>
public sealed class SmallPacketSpecTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "calico" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_UdpPayload_NamesItInEveryVariant()
    {
        var test = Assert.Single(Loader.Load("name: x\ncnis: [calico]\ntests:\n  - test: udp\n    bitrate: [capacity, 20M]\n    payload: 64B\n", "x.yaml").Tests);

        Assert.Equal(64, test.SettingsAs<UdpTestSpec>().PayloadBytes);
        Assert.Equal(["20M-64B", "capacity-64B"], RunPlanner.Variants(test).Select(v => v.Name));
    }

    [Theory]
    [InlineData("8B")]
    [InlineData("64b")]
    [InlineData("1MiB")]
    public void Load_BadUdpPayload_ReportsTheKey(string payload)
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            Loader.Load($"name: x\ncnis: [calico]\ntests:\n  - test: udp\n    bitrate: [capacity]\n    payload: {payload}\n", "x.yaml")).Errors);

        Assert.Equal(6, error.Line);
        Assert.Contains("udp.payload must be a datagram payload from 16B to 65000B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PayloadOnTcp_IsAnUnknownKey()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            Loader.Load("name: x\ncnis: [calico]\ntests:\n  - test: tcp\n    payload: 64B\n", "x.yaml")).Errors);

        Assert.Contains("unknown key 'payload'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoreSecondsPerMillionPackets_BusyCpuOverPacketsInTheWindow()
    {
        var at = new DateTimeOffset(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);
        var before = new CpuSnapshot(TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, at);
        var after = new CpuSnapshot(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(8), TimeSpan.Zero, at.AddSeconds(4));

        // 2 core-seconds busy while 50 000 packets/s arrived for 4 s (0.2 million packets): 10 core-seconds per million.
        Assert.Equal(10, after.CoreSecondsPerMillionPackets(before, 50_000)!.Value, 9);
        Assert.Null(after.CoreSecondsPerMillionPackets(before, 0));
    }
}
