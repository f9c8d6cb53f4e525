using System.Text.Json;

namespace CniBench.Results.Tests;

public sealed class RunInfoStoreTests
{
    [Fact]
    public async Task WriteAsync_StartThenEnd_RoundTripsCamelCaseJson()
    {
        using var dir = new TempRunDirectory();
        var scenario = Path.Join(dir.Path, "quick.yaml");
        await File.WriteAllTextAsync(scenario, "abc", TestContext.Current.CancellationToken);
        var started = new RunInfo
        {
            RunId = "20261126T120000Z-ab12",
            ScenarioName = "quick",
            ScenarioPath = scenario,
            ScenarioSha256 = await RunInfo.Sha256OfFileAsync(scenario, TestContext.Current.CancellationToken),
            Provider = "lab",
            CommandLine = ["cnibench", "run", "scenarios/quick.yaml"],
            CniBenchVersion = RunInfo.CurrentVersion(),
            Host = new HostFacts { Hostname = "h", KernelRelease = "6.18.0", LogicalCores = 2, MemoryBytes = 1024 },
            ToolVersions = new Dictionary<string, string> { ["iperf3"] = "iperf 3.12 (cJSON 1.7.15)" },
            Clusters = new Dictionary<string, ClusterInfo>
            {
                ["flannel"] = new("lab: per-node bridge + VXLAN", new Dictionary<string, string> { ["mtu"] = "1450" }),
            },
            StartedAt = Samples.At,
        };

        await RunInfoStore.WriteAsync(dir.Path, started, TestContext.Current.CancellationToken);
        Assert.Null((await RunInfoStore.ReadAsync(dir.Path, TestContext.Current.CancellationToken)).EndedAt);
        await RunInfoStore.WriteAsync(dir.Path, started with { EndedAt = Samples.At.AddMinutes(3) }, TestContext.Current.CancellationToken);

        var read = await RunInfoStore.ReadAsync(dir.Path, TestContext.Current.CancellationToken);
        Assert.Equal(Samples.At.AddMinutes(3), read.EndedAt);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", read.ScenarioSha256); // sha256("abc")
        Assert.Equal("1450", read.Clusters["flannel"].Facts["mtu"]);
        Assert.Equal(started.CommandLine, read.CommandLine);
        Assert.Equal(started.Host, read.Host);
        Assert.False(File.Exists(Path.Join(dir.Path, "run.json.tmp")));

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(dir.Path, "run.json"), TestContext.Current.CancellationToken));
        Assert.Equal("quick", json.RootElement.GetProperty("scenarioName").GetString());
        Assert.Equal("6.18.0", json.RootElement.GetProperty("host").GetProperty("kernelRelease").GetString());
        Assert.Equal("iperf 3.12 (cJSON 1.7.15)", json.RootElement.GetProperty("toolVersions").GetProperty("iperf3").GetString());
    }

    [Fact]
    public void CurrentVersion_BuiltAssembly_NotEmpty()
    {
        Assert.False(string.IsNullOrWhiteSpace(RunInfo.CurrentVersion()));
    }
}
