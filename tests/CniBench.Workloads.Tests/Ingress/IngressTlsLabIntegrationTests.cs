using System.Text.RegularExpressions;
using CniBench.Core.Measurements;
using CniBench.Workloads.Ingress;

namespace CniBench.Workloads.Tests.Ingress;

/// <summary>The TLS variants end to end in a real flannel lab (root): each controller terminates TLS and wrk loads https.</summary>
[Collection(IngressLabCollection.Name)]
public sealed partial class IngressTlsLabIntegrationTests
{
    [Fact]
    public async Task RunAsync_FlannelLab_TlsVariantsServeHttpsAndNginxTlsSurvivesChurn()
    {
        if (IngressLabSession.WhyUnavailable() is { } reason)
        {
            Assert.Skip(reason);
        }

        var token = TestContext.Current.CancellationToken;
        await using var lab = await IngressLabSession.StartAsync("flannel", token);
        var sink = lab.Sink;

        foreach (var variant in new[] { "yarp-tls", "haproxy-tls" })
        {
            var outcome = await lab.RunAsync(variant, TimeSpan.Zero, tls: true, token);
            var figures = outcome.Observations.ToDictionary(o => o.Metric, o => o.Value);
            Assert.True(outcome.Status == MeasurementStatus.Ok, $"{variant}: {outcome.Reason}");
            Assert.True(figures[Metrics.RequestsPerSecond] > 100, variant);
            Assert.Equal(0, figures[Metrics.HttpErrors]);
            Assert.Equal(0, figures[Metrics.HttpNon2xx]);
            Assert.True(figures[IngressMetrics.ControllerCpuPercent] > 0, variant);
            var raw = sink.RawFiles[$"raw/flannel/ingress-{variant}-ingress-r1.txt"];
            Assert.Contains($"https://{IngressModel.Host}:{lab.Options.Port}/", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE KEY", raw, StringComparison.Ordinal);
        }

        var churned = await lab.RunAsync("nginx-tls", TimeSpan.FromSeconds(4), tls: true, token);
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
}
