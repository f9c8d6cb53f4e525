using CniBench.Core.Measurements;
using CniBench.Workloads.Ingress;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>Real controllers, nginx backends and wrk in a real calico lab (root); the lab is removed even when an assertion fails.</summary>
[Collection(IngressLabCollection.Name)]
public sealed class IngressLabIntegrationTests
{
    [Fact]
    public async Task RunAsync_CalicoLab_EachControllerServesAndYarpChurnRecordsEveryChange()
    {
        if (IngressLabSession.WhyUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        await using var lab = await IngressLabSession.StartAsync("calico", token);

        foreach (var variant in new[] { "direct", "nginx", "haproxy", "yarp" })
        {
            var outcome = await lab.RunAsync(variant, TimeSpan.Zero, tls: false, token);
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

        var churned = await lab.RunAsync("yarp", TimeSpan.FromSeconds(4), tls: false, token);
        Assert.True(churned.Status == MeasurementStatus.Ok, churned.Reason);
        var timeline = ChurnTimeline.FromJson(lab.Sink.RawFiles[lab.RawPath("yarp", "-timeline.json")])!;
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
}
