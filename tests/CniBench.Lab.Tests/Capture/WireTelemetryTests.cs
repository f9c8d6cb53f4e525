using CniBench.Core.Measurements;
using CniBench.Lab.Capture;

namespace CniBench.Lab.Tests.Capture;

/// <summary>The telemetry's answers when there is nothing to capture; real captures are in <see cref="WireSamplerIntegrationTests"/>.</summary>
[Collection(NetnsThreadTests.Name)]
public sealed class WireTelemetryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BeginAsync_BothEndsOnOneNode_BothMetricsUnsupported()
    {
        var telemetry = new WireTelemetry("cnb-never-opened-sw", WireSamplerOptions.Default, TimeProvider.System);

        var window = await telemetry.BeginAsync(["n1", "n1"], Token);
        var result = await window.EndAsync(Token);

        Assert.Empty(result.Observations);
        Assert.Equal([Metrics.WirePlaintextSeen, Metrics.WireFramesSampled, Metrics.WireDataFramesSampled], result.Unsupported.Select(u => u.Metric));
        Assert.All(result.Unsupported, u => Assert.Contains("same-node", u.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeginAsync_NamespaceMissing_UnsupportedWithReasonInsteadOfThrowing()
    {
        var missing = "cnb-wire-missing-" + Guid.NewGuid().ToString("N")[..8];
        var telemetry = new WireTelemetry(missing, WireSamplerOptions.Default, TimeProvider.System);

        var window = await telemetry.BeginAsync(["n1", "n2"], Token);
        var result = await window.EndAsync(Token);

        Assert.Empty(result.Observations);
        Assert.Equal(3, result.Unsupported.Count);
        Assert.All(result.Unsupported, u => Assert.Contains(missing, u.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BeginAsync_Cancelled_Throws()
    {
        var telemetry = new WireTelemetry("cnb-never-opened-sw", WireSamplerOptions.Default, TimeProvider.System);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        _ = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => telemetry.BeginAsync(["n1", "n2"], cancelled.Token));
    }
}
