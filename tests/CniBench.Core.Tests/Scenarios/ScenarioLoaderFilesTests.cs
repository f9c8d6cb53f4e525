using CniBench.Core.Scenarios;
using CniBench.Runs;
using CniBench.NetworkPolicy.Conformance;

namespace CniBench.Core.Tests.Scenarios;

/// <summary>What the loader looks up in the files a scenario names, all through <see cref="IScenarioFiles"/>.</summary>
public sealed class ScenarioLoaderFilesTests
{
    private const string Netpol = """
        name: n
        cnis: [calico]
        tests:
          - test: netpol
            suite: suites/netpol
        """;

    [Fact]
    public void LoadFile_FileThatExists_IsReadThroughTheFiles()
    {
        var files = new InMemoryScenarioFiles(new Dictionary<string, string> { ["/repo/scenarios/s.yaml"] = "name: s\ncnis: [calico]\ntests: [{test: tcp}]\n" });

        var spec = new ScenarioLoader(TestKinds.All, new HashSet<string> { "calico" }, files).LoadFile("/repo/scenarios/s.yaml");

        Assert.Equal(("s", "/repo/scenarios/s.yaml"), (spec.Name, spec.SourcePath));
    }

    [Fact]
    public void LoadFile_NetpolSuiteBesideTheScenariosFolder_IsFoundFromTheCheckoutAndListsItsCases()
    {
        var files = new InMemoryScenarioFiles(new Dictionary<string, string>
        {
            ["/repo/scenarios/n.yaml"] = Netpol,
            ["/repo/suites/netpol/deny-all.yaml"] = "",
            ["/repo/suites/netpol/allow-dns.yaml"] = "",
            ["/repo/suites/netpol/README.md"] = "",
        });

        var netpol = Assert.Single(new ScenarioLoader(TestKinds.All, new HashSet<string> { "calico" }, files).LoadFile("/repo/scenarios/n.yaml").Tests).SettingsAs<NetpolTestSpec>();

        Assert.Equal("/repo/suites/netpol", netpol.Suite);
        Assert.Equal(["allow-dns", "deny-all"], netpol.Cases);
    }

    [Fact]
    public void Load_NetpolWithUnknownCaseAndMissingModel_ReportsBoth()
    {
        var files = new InMemoryScenarioFiles(new Dictionary<string, string> { ["suites/netpol/deny-all.yaml"] = "" });
        var yaml = Netpol + "\n    cases: [deny-all, nosuch]\n    model: models/m.yaml\n";

        var errors = Assert.Throws<ScenarioException>(() => new ScenarioLoader(TestKinds.All, new HashSet<string> { "calico" }, files).Load(yaml, "n.yaml")).Errors;

        Assert.Equal(
            ["n.yaml:6:23: unknown case 'nosuch': no nosuch.yaml in suites/netpol", "n.yaml:7:12: netpol.model 'models/m.yaml' does not exist; paths are relative to the folder cnibench runs in"],
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_NetpolSuiteWithoutCases_IsAnError()
    {
        var error = Assert.Single(Assert.Throws<ScenarioException>(() =>
            new ScenarioLoader(TestKinds.All, new HashSet<string> { "calico" }, InMemoryScenarioFiles.None).Load(Netpol, "n.yaml")).Errors);

        Assert.StartsWith("netpol.suite 'suites/netpol' has no case files (*.yaml)", error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
    }
}
