using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.Workloads.Udp;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderUdpCapacityTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

    private static string Udp(string keys) => $"name: x\ncnis: [calico]\ntests:\n  - test: udp\n    topologies: [cross-node]\n{keys}";

    [Fact]
    public void Load_BitrateCapacityAndFixedRate_PlansAFixedAndACapacityVariant()
    {
        var spec = Loader.Load(Udp("    bitrate: [1G, capacity]\n    lossBound: 0.5%\n"), "u.yaml");

        var test = Assert.Single(spec.Tests);
        var udp = test.SettingsAs<UdpTestSpec>();
        Assert.Equal([1_000_000_000L], udp.BitratesBps);
        Assert.Equal(0.5, udp.Capacity!.LossBoundPercent);
        var variants = RunPlanner.Variants(test);
        Assert.Equal(["1G", "capacity"], variants.Select(v => v.Name));
        Assert.Null(variants[0].ParametersAs<UdpCapacitySpec>());
        Assert.Equal(udp.Capacity, variants[1].ParametersAs<UdpCapacitySpec>());
    }

    [Fact]
    public void Load_TcpBitrate_PlansAPacedOneStreamVariantAfterTheStreamCounts()
    {
        var spec = Loader.Load("name: x\ncnis: [calico]\ntests:\n  - test: tcp\n    streams: [1, 4]\n    bitrate: 200M\n", "t.yaml");

        var variants = RunPlanner.Variants(Assert.Single(spec.Tests));

        Assert.Equal(["1-stream", "4-streams", "paced-200M"], variants.Select(v => v.Name));
        Assert.Equal((1, 200_000_000L), (variants[2].Streams, variants[2].BitrateBps!.Value));
        Assert.Null(variants[0].BitrateBps);
    }

    [Fact]
    public void Load_TcpBitrateWithoutStreams_PlansOnlyThePacedVariant()
    {
        var spec = Loader.Load("name: x\ncnis: [calico]\ntests:\n  - test: tcp\n    bitrate: [200M]\n", "t.yaml");

        Assert.Equal(["paced-200M"], RunPlanner.Variants(Assert.Single(spec.Tests)).Select(v => v.Name));
    }

    [Fact]
    public void Load_TcpBadBitrate_ErrorAtItsLineSaysWhatIsExpected()
    {
        var error = Assert.Throws<ScenarioException>(() => Loader.Load("name: x\ncnis: [calico]\ntests:\n  - test: tcp\n    bitrate: fast\n", "t.yaml"));

        var only = Assert.Single(error.Errors);
        Assert.Equal(5, only.Line);
        Assert.Contains("rate to pace one stream to", only.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CapacityWithoutLossBound_DefaultsToOnePercent()
    {
        var test = Assert.Single(Loader.Load(Udp("    bitrate: capacity\n"), "u.yaml").Tests);

        var udp = test.SettingsAs<UdpTestSpec>();
        Assert.Equal(1, udp.Capacity!.LossBoundPercent);
        Assert.Empty(udp.BitratesBps);
    }

    [Theory]
    [InlineData("    bitrate: 1G\n    lossBound: 1%\n", "applies only to 'bitrate: capacity'", 7)]
    [InlineData("    bitrate: capacity\n    lossBound: 70%\n", "above 0 and at most 50", 7)]
    [InlineData("    bitrate: capacity\n    lossBound: lots\n", "above 0 and at most 50", 7)]
    [InlineData("    bitrate: [fast]\n", "or 'capacity'", 6)]
    public void Load_BadCapacityInput_ErrorAtItsLineNamingWhatIsExpected(string keys, string expected, int line)
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(Udp(keys), "u.yaml")).Errors);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.Equal("u.yaml", error.File);
    }
}
