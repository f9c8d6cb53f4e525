using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Core.Tests.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Crr;
using CniBench.Workloads.Rr;

namespace CniBench.Core.Tests.Latency;

public sealed class LatencySpecReadingTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "calico" }, InMemoryScenarioFiles.None);

    private static ScenarioSpec Load(string tests) => Loader.Load($"name: x\ncnis: [calico]\ntests:\n{tests}", "x.yaml");

    private static IReadOnlyList<Core.Yaml.InputError> Errors(string tests) =>
        Assert.Throws<ScenarioException>(() => Load(tests)).Errors;

    [Fact]
    public void Read_Rr_ReadsEveryAxisAndPlansProtocolTimesSizeTimesFlows()
    {
        var spec = Load("""
              - test: rr
                duration: 3s
                protocols: [udp]
                messageSizes: [14B, 1KiB]
                flows: [1, 4]
                percentiles: [50, 99, 99.9]
                topologies: [cross-node]
            """);

        var test = Assert.Single(spec.Tests);
        Assert.Equal(TimeSpan.FromSeconds(3), test.Duration);
        Assert.Equal([RrTestSpec.Udp], test.SettingsAs<RrTestSpec>().Protocols);
        Assert.Equal([14L, 1024L], test.SettingsAs<RrTestSpec>().MessageSizesBytes);
        Assert.Equal([50, 99, 99.9], test.SettingsAs<RrTestSpec>().Percentiles);
        var variants = RunPlanner.Variants(test);
        Assert.Equal(["udp-14B-1-flow", "udp-14B-4-flows", "udp-1KiB-1-flow", "udp-1KiB-4-flows"], variants.Select(v => v.Name));
        Assert.Equal(4, variants[1].ParametersAs<RrVariant>()!.Flows);
        Assert.Equal(1024, variants[2].ParametersAs<RrVariant>()!.MessageBytes);
    }

    [Fact]
    public void Read_CrrDefaults_CrossNodeAndServiceWithAConntrackFlush()
    {
        var test = Assert.Single(Load("  - test: crr\n").Tests);

        Assert.Equal(["cross-node", "pod-to-service"], test.Topologies);
        Assert.True(test.SettingsAs<CrrTestSpec>().FlushConntrack);
        Assert.Equal(["1-flow", "4-flows"], RunPlanner.Variants(test).Select(v => v.Name));
    }

    [Fact]
    public void Read_Crr_ReadsConnectionsAndTheFlushIntoItsOwnSettings()
    {
        var test = Assert.Single(Load("  - test: crr\n    flows: [2]\n    connections: 300\n    flushConntrack: false\n    clearTimeWait: false\n    percentiles: [50, 99]\n").Tests);

        var settings = test.SettingsAs<CrrTestSpec>();
        Assert.Equal((300, false, false), (settings.Connections, settings.FlushConntrack, settings.ClearTimeWait));
        Assert.Equal([50, 99], settings.Percentiles);
        var variant = Assert.Single(RunPlanner.Variants(test));
        Assert.Equal(("2-flows", 2), (variant.Name, variant.Streams));
    }

    [Fact]
    public void Read_ConnectionsOnRr_IsAnUnknownKey()
    {
        // connections belong to crr's settings alone: rr's long-lived flows open one connection each.
        var error = Assert.Single(Errors("  - test: rr\n    connections: 300\n"));

        Assert.Contains("unknown key 'connections'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Rr_MeasuresTheUnderlayCrossNodeOnly()
    {
        var plan = RunPlanner.Create(Load("  - test: rr\n    protocols: [tcp]\n    messageSizes: [14B]\n    flows: [1]\n"), "r");

        Assert.Equal([("underlay", "cross-node"), ("calico", "cross-node"), ("calico", "pod-to-service")],
            plan.Measurements.Where(m => m.Key.Repetition == 1).Select(m => (m.Key.Cni, m.Key.Topology)));
    }

    [Fact]
    public void Read_UnknownMessageSizeUnit_ReportsTheItemAndTheUnits()
    {
        var error = Assert.Single(Errors("""
              - test: rr
                messageSizes: [14B, 1KB]
            """));

        Assert.Equal(("x.yaml", 5, 25), (error.File, error.Line, error.Column));
        Assert.Contains("'1KB' is not a size", error.Message, StringComparison.Ordinal);
        Assert.Contains("KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MessageBelowSockperfsHeader_IsAnError()
    {
        var error = Assert.Single(Errors("  - test: rr\n    messageSizes: [1B]\n"));

        Assert.Contains("14-byte header", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("9")]
    public void Read_FlowsOutOfRange_ReportsTheItem(string flows)
    {
        var error = Assert.Single(Errors($"  - test: crr\n    flows: [1, {flows}]\n"));

        Assert.Equal((5, 16), (error.Line, error.Column));
        Assert.Contains("crr.flows must be whole numbers of concurrent flows from 1 to 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PercentilesNotAscending_ReportsTheItemOutOfOrder()
    {
        var error = Assert.Single(Errors("  - test: rr\n    percentiles: [50, 99, 90]\n"));

        Assert.Equal((5, 27), (error.Line, error.Column));
        Assert.Contains("must be ascending: 90 comes after 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_KeyOfTheOtherKind_IsAnUnknownKey()
    {
        // crr sends no message: a size there is a mistake, not something to ignore.
        var error = Assert.Single(Errors("  - test: crr\n    messageSizes: [14B]\n"));

        Assert.Contains("unknown key 'messageSizes'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryErrorAtOnce()
    {
        var errors = Errors("""
              - test: rr
                protocols: [sctp]
                flows: [0]
                percentiles: [99, 50]
            """);

        Assert.Equal(3, errors.Count);
    }
}
