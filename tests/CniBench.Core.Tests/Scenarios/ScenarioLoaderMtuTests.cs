using CniBench.Core.Scenarios;
using CniBench.Runs;

namespace CniBench.Core.Tests.Scenarios;

public sealed class ScenarioLoaderMtuTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "flannel", "calico" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_MtuWithOnlyItsName_DefaultsToCrossNodeAndScenarioRepetitions()
    {
        const string yaml = """
            name: m
            cnis: [flannel]
            repetitions: 4
            tests:
              - test: mtu
            """;

        var test = Assert.Single(Loader.Load(yaml, "m.yaml").Tests);

        Assert.Equal("mtu", test.Test);
        Assert.Equal(["cross-node"], test.Topologies);
        Assert.Null(test.Repetitions);
    }

    [Fact]
    public void Load_MtuWithTopologiesAndRepetitions_ReadsBoth()
    {
        const string yaml = """
            name: m
            cnis: [flannel]
            tests:
              - test: mtu
                topologies: [same-node, cross-node, cross-node]
                repetitions: 2
            """;

        var test = Assert.Single(Loader.Load(yaml, "m.yaml").Tests);

        Assert.Equal(["same-node", "cross-node"], test.Topologies);
        Assert.Equal(2, test.Repetitions);
    }

    [Fact]
    public void Load_MtuWithAThroughputKey_ReportsTheUnknownKeyWithPosition()
    {
        const string yaml = """
            name: m
            cnis: [flannel]
            tests:
              - test: mtu
                duration: 5s
            """;

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "m.yaml")).Errors);

        Assert.Equal(("m.yaml", 5, 5), (error.File, error.Line, error.Column));
        Assert.Contains("unknown key 'duration'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MtuWithBadTopologyAndRepetitions_ReportsBoth()
    {
        const string yaml = """
            name: m
            cnis: [flannel]
            tests:
              - test: mtu
                topologies: [pod-to-service]
                repetitions: 0
            """;

        var errors = Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "m.yaml")).Errors;

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("unknown topology 'pod-to-service'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Field == "mtu.repetitions");
    }

    [Fact]
    public void Load_MtuSameNodeWithOnePodPerNode_IsAnError()
    {
        const string yaml = """
            name: m
            cnis: [flannel]
            lab: { podsPerNode: 1 }
            tests:
              - test: mtu
                topologies: [same-node]
            """;

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "m.yaml")).Errors);

        Assert.Contains("same-node needs lab.podsPerNode of 2 or more", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KnownTests_Always_IncludesMtu() =>
        Assert.Contains("mtu", Loader.KnownTests);
}
