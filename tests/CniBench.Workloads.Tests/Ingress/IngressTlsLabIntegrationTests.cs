using System.Globalization;
using System.Text.RegularExpressions;
using CniBench.Core.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Orchestration;
using CniBench.Core.Planning;
using CniBench.Core.Scenarios;
using CniBench.Lab;
using CniBench.Processes;
using CniBench.Workloads.Ingress;
using CniBench.Workloads.Tests.Fakes;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>The ingress lab tests run one after the other: each checks that no controller directory is left behind, and two labs at once would also skew both.</summary>
internal static class IngressLabCollection
{
    public const string Name = "ingress lab";
}

/// <summary>The TLS variants end to end in a real flannel lab (root): each controller terminates TLS and wrk loads https.</summary>
[Collection(IngressLabCollection.Name)]
public sealed partial class IngressTlsLabIntegrationTests
{
    [Fact]
    public async Task RunAsync_FlannelLab_TlsVariantsServeHttpsAndNginxTlsSurvivesChurn()
    {
        var options = IngressTestOptions.FromRepository();
        if (WhyUnavailable(options) is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        var labOptions = new LabProviderOptions
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "cnibench-ingress-tls-tests", Guid.NewGuid().ToString("N")),
        };
        var catalog = CniCatalog.Load(Path.Combine(IngressTestOptions.RepositoryRoot()!, "manifests", "cni"));
        await using var cluster = await new LabProvider(catalog, labOptions)
            .CreateAsync(new ClusterRequest("flannel", ClusterShape.Default with { Nodes = 3, PodsPerNode = 2 }), null, token);
        var test = new IngressTest(options);
        var sink = new RecordingSink();
        var (client, server) = EndpointSelector.Select(cluster, Topologies.Ingress) ?? throw new InvalidOperationException("no ingress pair");

        async Task<TestOutcome> RunAsync(string variant, TimeSpan churn)
        {
            var spec = new TestSpec
            {
                Test = IngressTest.TestName,
                Duration = TimeSpan.FromSeconds(1),
                Warmup = TimeSpan.FromSeconds(1),
                Topologies = [Topologies.Ingress],
                Ingress = new IngressTestSpec { Connections = 8, Threads = 1, Churn = churn, Tls = true },
            };
            var key = new MeasurementKey("flannel", IngressTest.TestName, variant, Topologies.Ingress, 1);
            var outcome = await test.RunAsync(
                new TestInvocation(new PlannedMeasurement(key, spec, new TestVariant(variant, 8)), client, server, sink, $"raw/flannel/ingress-{variant}-ingress-r1.json") { Cluster = cluster },
                token);
            TestContext.Current.TestOutputHelper?.WriteLine($"{variant}: {outcome.Status} {outcome.Reason} "
                + string.Join(", ", outcome.Observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric}={o.Value:G5}"))));
            return outcome;
        }

        foreach (var variant in new[] { "yarp-tls", "haproxy-tls" })
        {
            var outcome = await RunAsync(variant, TimeSpan.Zero);
            var figures = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
            Assert.True(outcome.Status == MeasurementStatus.Ok, $"{variant}: {outcome.Reason}");
            Assert.True(figures[Metrics.RequestsPerSecond] > 100, variant);
            Assert.Equal(0, figures[Metrics.HttpErrors]);
            Assert.Equal(0, figures[Metrics.HttpNon2xx]);
            Assert.True(figures[IngressMetrics.ControllerCpuPercent] > 0, variant);
            var raw = sink.RawFiles[$"raw/flannel/ingress-{variant}-ingress-r1.txt"];
            Assert.Contains($"https://{server.Address}:{options.Port}/", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        }

        var churned = await RunAsync("nginx-tls", TimeSpan.FromSeconds(4));
        Assert.True(churned.Status == MeasurementStatus.Ok, churned.Reason);
        var timeline = ChurnTimeline.FromJson(sink.RawFiles["raw/flannel/ingress-nginx-tls-ingress-r1-timeline.json"])!;
        Assert.Equal("nginx-tls", timeline.Controller);
        Assert.Equal(4, timeline.Slices.Count);
        Assert.All(timeline.Changes, c => Assert.NotNull(c.AppliedSeconds));
        Assert.All(timeline.Slices, s => Assert.True(s.Requests > 0));
        var figuresChurn = churned.Observations.ToDictionary(o => o.Metric, o => o.Value);
        Assert.Equal(0, figuresChurn[IngressMetrics.ChurnFailedSlices]);
        Assert.Contains("https://", sink.RawFiles["raw/flannel/ingress-nginx-tls-ingress-r1.txt"], StringComparison.Ordinal);

        // Every controller directory this test used, and with it every key, is gone.
        var used = sink.RawFiles.Values.SelectMany(r => ControllerDirectory().Matches(r)).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(3, used.Count);
        Assert.All(used, d => Assert.False(Directory.Exists(d), d));
    }

    [GeneratedRegex(@"/tmp/cnb-ingress-[0-9a-f]{8}")]
    private static partial Regex ControllerDirectory();

    private static string? WhyUnavailable(IngressTestOptions options)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the ingress TLS lab test builds a flannel lab and needs root on Linux";
        }

        if (options.Controllers.YarpDll is null || options.IngressTemplate is null)
        {
            return "cnibench-ingress is not built or manifests/workloads/ingress.yaml is missing";
        }

        string[] tools = ["ip", "bridge", "sysctl", "nginx", "haproxy", "wrk", "time", "pgrep", "install", "dotnet"];
        var missing = tools.Where(t => !ToolPackages.IsOnPath(t)).ToList();
        return missing.Count == 0 ? null : $"the ingress TLS lab test needs {string.Join(", ", missing)} (run ./run.sh, which installs them)";
    }
}
