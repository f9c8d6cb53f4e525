using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Workloads.Http;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Http;

/// <summary>Real nginx and wrk between pods of a real calico lab (root); the lab is removed even when an assertion fails.</summary>
public sealed partial class HttpLabIntegrationTests
{
    [Fact]
    public async Task RunAsync_CalicoSameNodeAndCrossNode_ReportsRequestsAndOrderedPercentiles()
    {
        if (WhyUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        var options = new LabProviderOptions
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "cnibench-http-tests", Guid.NewGuid().ToString("N")),
        };
        var catalog = CniCatalog.Load(Path.Combine(RepositoryRoot(), "manifests", "cni"));
        await using var cluster = await new LabProvider(catalog, options)
            .CreateAsync(new ClusterRequest("calico", ClusterShape.Default with { Nodes = 2, PodsPerNode = 2 }), null, token);
        var spec = new TestSpec
        {
            Test = HttpKind.TestName,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.Zero,
            Settings = new HttpTestSpec { PayloadsBytes = [1024], ConnectionModes = [HttpTestSpec.KeepAlive], LoadModes = [HttpTestSpec.Saturation], Connections = 8, Threads = 1 },
        };
        var variant = Assert.Single(RunPlanner.Variants(spec));
        var test = new HttpKind();
        var sink = new RecordingSink();

        foreach (var topology in new[] { Topologies.SameNode, Topologies.CrossNode })
        {
            var (client, server) = EndpointSelector.Select(cluster, topology) ?? throw new InvalidOperationException($"no {topology} pair");
            var key = new MeasurementKey("calico", HttpKind.TestName, variant.Name, topology, 1);
            var outcome = await test.RunAsync(new TestInvocation(new PlannedMeasurement(key, spec, variant), client, server, sink, $"raw/{topology}.json"), token);

            var observations = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
            TestContext.Current.TestOutputHelper?.WriteLine($"{topology}: {outcome.Status} {outcome.Reason} "
                + string.Join(", ", observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key}={o.Value:G5}"))));
            Assert.True(outcome.Status == MeasurementStatus.Ok, outcome.Reason);
            Assert.True(observations[Metrics.RequestsPerSecond] > 0);
            Assert.Equal(0, observations[Metrics.HttpErrors]);
            Assert.Equal(0, observations[Metrics.HttpNon2xx]);
            double[] percentiles = [.. new[] { Metrics.LatencyP50Ms, Metrics.LatencyP90Ms, Metrics.LatencyP99Ms, Metrics.LatencyP999Ms, Metrics.LatencyMaxMs }.Select(m => observations[m])];
            Assert.True(percentiles[0] > 0);
            Assert.Equal(percentiles.Order(), percentiles);
            Assert.True(observations[Metrics.GeneratorCpuPercent] > 0);
        }

        // The script directories the raw files name are gone (other tests may run HttpKind at the same time, so no glob).
        var scriptDirectories = sink.RawFiles.Values.SelectMany(raw => ScriptDirectory().Matches(raw)).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal(2, scriptDirectories.Count);
        Assert.All(scriptDirectories, d => Assert.False(Directory.Exists(d), d));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"-s (/tmp/cnb-wrk-[0-9a-f]{8})/")]
    private static partial System.Text.RegularExpressions.Regex ScriptDirectory();

    private static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the http lab test builds a calico lab and needs root on Linux";
        }

        string[] tools = ["ip", "bridge", "sysctl", "nginx", "wrk", "time"];
        var missing = tools.Where(t => !ToolPackages.IsOnPath(t)).ToList();
        return missing.Count == 0 ? null : $"the http lab test needs {string.Join(", ", missing)} (run ./run.sh, which installs them)";
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CniBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no CniBench.sln above {AppContext.BaseDirectory}");
    }
}
