using CniBench.Core.Scenarios;

namespace CniBench.Runs.Tests;

/// <summary>What <c>cnibench run</c> checks before it creates anything: against the checkout's real catalogs and scenarios.</summary>
public sealed class RunPreparationTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("cnb-prep-").FullName;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Repo(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "manifests", "cni")))
            {
                return Path.Combine([dir.FullName, .. parts]);
            }
        }

        throw new DirectoryNotFoundException("the checkout's manifests/cni");
    }

    private RunArguments Arguments(string scenario) => new()
    {
        ScenarioPath = scenario,
        OutputRoot = _out,
        ManifestsDirectory = Repo("manifests", "cni"),
        IngressManifestsDirectory = Repo("manifests", "ingress"),
    };

    private string Scenario(string yaml)
    {
        var path = Path.Combine(_out, "s.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Fact]
    public async Task PrepareAsync_ScenarioWithProblems_ListsEveryOneUnderOneHeadingAndCreatesNoFolder()
    {
        var path = Scenario("name: x\ncnis: [calico, nosuchcni]\ntests:\n  - test: tcp\n    streams: [0]\n");

        var (run, failure) = await RunPreparation.PrepareAsync(Arguments(path), TimeProvider.System, Token);

        Assert.Null(run);
        Assert.False(failure!.HostNotReady);
        Assert.Equal($"the scenario has {failure.Lines.Count} problems; nothing was started:", failure.Heading);
        Assert.True(failure.Lines.Count >= 2);
        Assert.All(failure.Lines, line => Assert.StartsWith(path, line, StringComparison.Ordinal));
        Assert.Equal(["s.yaml"], Directory.EnumerateFileSystemEntries(_out).Select(Path.GetFileName));
    }

    [Fact]
    public async Task PrepareAsync_ContextOnALabScenario_IsBadInputNamingTheOption()
    {
        var arguments = Arguments(Repo("scenarios", "quick.yaml")) with { Context = "kind-calico" };

        var (run, failure) = await RunPreparation.PrepareAsync(arguments, TimeProvider.System, Token);

        Assert.Null(run);
        Assert.False(failure!.HostNotReady);
        Assert.Contains(failure.Lines, l => l.Contains("--kubeconfig/--context", StringComparison.Ordinal) && l.Contains("apply only to provider: kubernetes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PrepareAsync_KubernetesScenario_PlansWithTheCommandLineAppliedAndCreatesOnlyTheRunFolder()
    {
        // Nothing is asked of a cluster while preparing, so a kubernetes scenario prepares on any host.
        var arguments = Arguments(Repo("scenarios", "kubernetes.yaml")) with
        {
            Overrides = new ScenarioOverrides { Cnis = ["calico"], Repetitions = 1 },
            Context = "my-calico",
        };

        var (run, failure) = await RunPreparation.PrepareAsync(arguments, TimeProvider.System, Token);

        Assert.Null(failure);
        Assert.Equal(["calico"], run!.Plan.Clusters);
        Assert.All(run.Plan.Measurements, m => Assert.Equal(1, m.Key.Repetition));
        Assert.Equal("my-calico", run.Scenario.Kubernetes!.Clusters["calico"].Context);
        Assert.False(run.OnLab);
        Assert.Equal(Path.Combine(_out, run.RunId), run.Directory);
        Assert.True(Directory.Exists(run.Directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(run.Directory));
    }

    [Fact]
    public async Task PrepareAsync_ResumeOfAFolderWithoutRunJson_SaysWhatToGive()
    {
        var arguments = Arguments(Repo("scenarios", "quick.yaml")) with { ResumeDirectory = _out, ScenarioGiven = false };

        var (_, failure) = await RunPreparation.PrepareAsync(arguments, TimeProvider.System, Token);

        Assert.Null(failure!.Heading);
        Assert.Contains("no run.json there", Assert.Single(failure.Lines), StringComparison.Ordinal);
    }
}
