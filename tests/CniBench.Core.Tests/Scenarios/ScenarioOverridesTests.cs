using CniBench.Core.Scenarios;
using CniBench.Core.Yaml;
using CniBench.Runs;

namespace CniBench.Core.Tests.Scenarios;

/// <summary>Command-line overrides go through the rules of the keys they replace, and their errors name the option.</summary>
public sealed class ScenarioOverridesTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico", "calico+wireguard" }, InMemoryScenarioFiles.None);

    private static string Scenario(string cnis = "[flannel, calico]", string test = "{test: tcp, duration: 3s, warmup: 2s}") =>
        $"name: o\ncnis: {cnis}\nrepetitions: 3\ntests:\n  - {test}\n  - {{test: mtu}}\n";

    private static InputError Error(Action load) => Assert.Single(Assert.Throws<ScenarioException>(load).Errors);

    [Fact]
    public void Load_UnknownCniOption_HasTheMessageOfAnUnknownCniInTheFile()
    {
        var fromFile = Error(() => Loader.Load(Scenario(cnis: "[flannel, nosuch]"), "o.yaml"));
        var fromOption = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Cnis = ["flannel", "nosuch"] }));

        Assert.Equal(fromFile.Message, fromOption.Message);
        Assert.Contains("unknown CNI 'nosuch': there is no manifests/cni/nosuch.yaml", fromOption.Message, StringComparison.Ordinal);
        Assert.Equal(("o.yaml", 2), (fromFile.File, fromFile.Line));
        Assert.Equal("--cni: " + fromOption.Message, fromOption.ToString());
    }

    [Fact]
    public void Load_CniOptionWithAVariantTheCniLacks_NamesItsVariantsAsTheFileWould()
    {
        var error = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Cnis = ["calico+ipsec"] }));

        Assert.Equal("--cni", error.File);
        Assert.Contains("calico offers no variant 'ipsec'; its variants are: wireguard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CniOptionTwice_IsListedTwiceAsInTheFile()
    {
        var error = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Cnis = ["calico", "calico"] }));

        Assert.Equal(("--cni", "CNI 'calico' is listed twice"), (error.File, error.Message));
    }

    [Fact]
    public void Load_CniOption_ReplacesTheFilesCnis()
    {
        var spec = Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Cnis = ["calico+wireguard"] });

        Assert.Equal(["calico+wireguard"], spec.Cnis);
    }

    [Theory]
    [InlineData("0.5s")]
    [InlineData("1.5s")]
    [InlineData("2h")]
    public void Load_DurationOptionForAnIperf3Kind_HasTheRuleOfTheFilesDuration(string duration)
    {
        var fromFile = Error(() => Loader.Load(Scenario(test: $"{{test: tcp, duration: {duration}}}"), "o.yaml"));
        Assert.True(Quantities.TryParseDuration(duration, out var value));
        var fromOption = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Duration = value, DurationText = duration }));

        Assert.Equal((fromFile.Field, fromFile.Message), (fromOption.Field, fromOption.Message));
        Assert.Equal(("--duration", 0, 0), (fromOption.File, fromOption.Line, fromOption.Column));
    }

    [Fact]
    public void Load_FractionalDurationOption_IsTheWholeSecondsRuleNamingTheTool()
    {
        var error = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Duration = TimeSpan.FromSeconds(1.5) }));

        Assert.Equal("--duration: tcp.duration must be whole seconds (iperf3's -t has no finer unit)", error.ToString());
    }

    [Fact]
    public void Load_DurationOptionInTwoTestsOfAKind_IsReportedOnce()
    {
        var yaml = "name: o\ncnis: [calico]\ntests:\n  - {test: tcp}\n  - {test: tcp, streams: 4}\n";

        var error = Error(() => Loader.Load(yaml, "o.yaml", new ScenarioOverrides { Duration = TimeSpan.FromSeconds(1.5) }));

        Assert.Equal("--duration", error.File);
    }

    [Fact]
    public void Load_DurationOption_ReplacesTheDurationOfEveryTestWithOne()
    {
        var spec = Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Duration = TimeSpan.FromSeconds(7) });

        Assert.Equal(TimeSpan.FromSeconds(7), spec.Tests[0].Duration);
        Assert.Equal(TimeSpan.FromSeconds(2), spec.Tests[0].Warmup);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void Load_RepetitionsOptionOutOfRange_HasTheRuleOfTheFilesRepetitions(int repetitions)
    {
        var fromFile = Error(() => Loader.Load(Scenario().Replace("repetitions: 3", $"repetitions: {repetitions}", StringComparison.Ordinal), "o.yaml"));
        var fromOption = Error(() => Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Repetitions = repetitions }));

        Assert.Equal((fromFile.Field, fromFile.Message), (fromOption.Field, fromOption.Message));
        Assert.Equal("--repetitions", fromOption.File);
    }

    [Fact]
    public void Load_Quick_ShortensEveryTestToOneRepetitionOfTwoSecondsAndCapsTheWarmup()
    {
        var spec = Loader.Load(Scenario(), "o.yaml", new ScenarioOverrides { Quick = true });

        Assert.Equal(1, spec.Repetitions);
        Assert.All(spec.Tests, t => Assert.Equal(1, t.Repetitions));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)), (spec.Tests[0].Duration, spec.Tests[0].Warmup));
    }

    [Fact]
    public void Load_RepetitionsOption_ReplacesTheScenariosAndEachTests()
    {
        var spec = Loader.Load(Scenario(test: "{test: tcp, repetitions: 5}"), "o.yaml", new ScenarioOverrides { Repetitions = 2 });

        Assert.Equal(2, spec.Repetitions);
        Assert.All(spec.Tests, t => Assert.Equal(2, t.Repetitions));
    }
}
