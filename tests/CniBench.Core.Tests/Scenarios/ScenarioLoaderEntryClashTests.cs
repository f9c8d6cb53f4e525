using CniBench.Core.Scenarios;
using CniBench.Runs;

namespace CniBench.Core.Tests.Scenarios;

/// <summary>Two entries of one test that would plan the same variant on the same topology mix their rows and raw files.</summary>
public sealed class ScenarioLoaderEntryClashTests
{
    private static readonly ScenarioLoader Loader = new(TestKinds.All, new HashSet<string> { "calico" }, InMemoryScenarioFiles.None);

    [Fact]
    public void Load_TwoCrrEntriesDifferingOnlyInConnections_AreRefusedAtTheSecondEntry()
    {
        const string yaml = """
            name: x
            cnis: [calico]
            tests:
              - { test: crr, connections: 1000, topologies: [cross-node, pod-to-service] }
              - { test: crr, connections: 5000, topologies: [cross-node] }
            """;

        var error = Assert.Single(Assert.Throws<ScenarioException>(() => Loader.Load(yaml, "x.yaml")).Errors);

        Assert.Equal(("x.yaml", 5), (error.File, error.Line));
        Assert.Contains("variant '1-flow' on cross-node, as the entry at line 4 does", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TwoEntriesWhoseVariantsDiffer_AreAccepted()
    {
        const string yaml = """
            name: x
            cnis: [calico]
            tests:
              - { test: tcp, streams: [1, 4] }
              - { test: tcp, bitrate: 200M, topologies: [cross-node] }
              - { test: crr, connections: 1000, topologies: [cross-node] }
              - { test: crr, connections: 5000, topologies: [pod-to-service] }
            """;

        var spec = Loader.Load(yaml, "x.yaml");

        Assert.Equal(4, spec.Tests.Count);
    }
}
