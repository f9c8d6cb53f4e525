using System.Globalization;
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

/// <summary>Real controllers, nginx backends and wrk in a real calico lab (root); the lab is removed even when an assertion fails.</summary>
[Collection(IngressLabCollection.Name)]
public sealed class IngressLabIntegrationTests
{
    [Fact]
    public async Task RunAsync_CalicoLab_EachControllerServesAndYarpChurnRecordsEveryChange()
    {
        var options = IngressTestOptions.FromRepository();
        if (WhyUnavailable(options) is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        var labOptions = new LabProviderOptions
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "cnibench-ingress-tests", Guid.NewGuid().ToString("N")),
        };
        var catalog = CniCatalog.Load(Path.Combine(IngressTestOptions.RepositoryRoot()!, "manifests", "cni"));
        await using var cluster = await new LabProvider(catalog, labOptions)
            .CreateAsync(new ClusterRequest("calico", ClusterShape.Default with { Nodes = 3, PodsPerNode = 2 }), null, token);
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
                Ingress = new IngressTestSpec { Connections = 8, Threads = 1, Churn = churn },
            };
            var key = new MeasurementKey("calico", IngressTest.TestName, variant, Topologies.Ingress, 1);
            var outcome = await test.RunAsync(
                new TestInvocation(new PlannedMeasurement(key, spec, new TestVariant(variant, 8)), client, server, sink, $"raw/calico/ingress-{variant}-ingress-r1.json") { Cluster = cluster },
                token);
            TestContext.Current.TestOutputHelper?.WriteLine($"{variant}: {outcome.Status} {outcome.Reason} "
                + string.Join(", ", outcome.Observations.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Metric}={o.Value:G5}"))));
            return outcome;
        }

        foreach (var variant in new[] { "direct", "nginx", "haproxy", "yarp" })
        {
            var outcome = await RunAsync(variant, TimeSpan.Zero);
            var figures = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
            Assert.True(outcome.Status == MeasurementStatus.Ok, $"{variant}: {outcome.Reason}");
            Assert.True(figures[Metrics.RequestsPerSecond] > 100, variant);
            Assert.Equal(0, figures[Metrics.HttpErrors]);
            Assert.Equal(0, figures[Metrics.HttpNon2xx]);
            if (variant != "direct")
            {
                Assert.True(figures[IngressMetrics.ControllerCpuPercent] > 0, variant);
            }
        }

        var churned = await RunAsync("yarp", TimeSpan.FromSeconds(4));
        Assert.True(churned.Status == MeasurementStatus.Ok, churned.Reason);
        var timeline = ChurnTimeline.FromJson(sink.RawFiles["raw/calico/ingress-yarp-ingress-r1-timeline.json"])!;
        Assert.Equal(4, timeline.Slices.Count);
        Assert.Equal(["scale 2→4", "remove n3-p2", "stop n3-p2", "route → web-v2"], timeline.Changes.Select(c => c.Label));
        Assert.All(timeline.Changes, c => Assert.NotNull(c.AppliedSeconds));
        TestContext.Current.TestOutputHelper?.WriteLine(timeline.ToJson());
        var figuresChurn = churned.Observations.ToDictionary(o => o.Metric, o => o.Value);
        // Zero or few: on a loaded host a request can be in flight to the pod that stops half a second after its removal.
        var requests = timeline.Slices.Sum(s => s.Requests);
        Assert.InRange(figuresChurn[IngressMetrics.ChurnFailedRequests] + figuresChurn[IngressMetrics.ChurnNon2xx], 0, Math.Max(5, requests * 0.001));
        Assert.Equal(0, figuresChurn[IngressMetrics.ChurnFailedSlices]);

        Assert.DoesNotContain(Directory.GetDirectories("/tmp", "cnb-ingress-*"), d => Directory.GetLastWriteTimeUtc(d) > DateTime.UtcNow.AddMinutes(-2));
    }

    private static string? WhyUnavailable(IngressTestOptions options)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the ingress lab test builds a calico lab and needs root on Linux";
        }

        if (options.Controllers.YarpDll is null || options.IngressTemplate is null)
        {
            return "cnibench-ingress is not built or manifests/workloads/ingress.yaml is missing";
        }

        string[] tools = ["ip", "bridge", "sysctl", "nginx", "haproxy", "wrk", "time", "pgrep", "dotnet"];
        var missing = tools.Where(t => !ToolPackages.IsOnPath(t)).ToList();
        return missing.Count == 0 ? null : $"the ingress lab test needs {string.Join(", ", missing)} (run ./run.sh, which installs them)";
    }
}
