using CniBench.Core.Clusters;
using CniBench.Core.Measurements;

namespace CniBench.Lab.Capture;

/// <summary>
/// The lab's wire check as cluster telemetry: each window samples the switch namespace, where every
/// node-to-node frame crosses the underlay bridge, and reports whether iperf3's repeating payload was visible.
/// Never throws except when cancelled; a capture that cannot open comes back as unsupported metrics.
/// </summary>
public sealed class WireTelemetry(string switchNamespace, WireSamplerOptions options, TimeProvider time) : IClusterTelemetry
{
    /// <summary>Samples only when the test sends the marker: for any other traffic "not seen" would mean nothing.</summary>
    public Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.PlaintextMarkerSent
            ? BeginAsync(request.NodeNames, cancellationToken)
            : Task.FromResult<ITelemetryWindow>(NoWindow.Instance);
    }

    public async Task<ITelemetryWindow> BeginAsync(IReadOnlyCollection<string> nodeNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodeNames);
        cancellationToken.ThrowIfCancellationRequested();
        // Traffic between two pods of one node never reaches the underlay: "not seen" would read as "encrypted".
        if (nodeNames.Count > 0 && nodeNames.Distinct(StringComparer.Ordinal).Count() == 1)
        {
            return new Unsupported("same-node traffic does not cross the underlay, so there is no wire to sample");
        }

        try
        {
            var sampler = await WireSampler.StartAsync(switchNamespace, WireMarker.Iperf3RepeatingPayload.ToArray(), options, time, cancellationToken);
            return new Window(sampler);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new Unsupported($"cannot capture in {switchNamespace}: {error.Message}");
        }
    }

    private sealed class Window(WireSampler sampler) : ITelemetryWindow
    {
        public async Task<TelemetryResult> EndAsync(CancellationToken cancellationToken)
        {
            try
            {
                var sample = await sampler.StopAsync(cancellationToken);
                // A loop that failed before seeing the marker proves nothing either way.
                if (sample.End == WireSampleEnd.Failed && !sample.MarkerSeen)
                {
                    return Both($"capture failed: {sample.Error}");
                }

                return new TelemetryResult(
                    [
                        new Observation(Metrics.WirePlaintextSeen, sample.MarkerSeen ? 1 : 0, Metrics.Bool),
                        new Observation(Metrics.WireFramesSampled, sample.FramesSampled, Metrics.Count),
                        new Observation(Metrics.WireDataFramesSampled, sample.DataFramesSampled, Metrics.Count),
                    ],
                    []);
            }
            catch (TimeoutException)
            {
                return Both("the capture loop did not stop in time");
            }
            finally
            {
                await sampler.DisposeAsync();
            }
        }
    }

    private sealed class Unsupported(string reason) : ITelemetryWindow
    {
        public Task<TelemetryResult> EndAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return Task.FromResult(Both(reason));
        }
    }

    private static TelemetryResult Both(string reason) =>
        new([], [new UnsupportedMetric(Metrics.WirePlaintextSeen, reason), new UnsupportedMetric(Metrics.WireFramesSampled, reason), new UnsupportedMetric(Metrics.WireDataFramesSampled, reason)]);
}

/// <summary>A window that observes nothing.</summary>
internal sealed class NoWindow : ITelemetryWindow
{
    public static NoWindow Instance { get; } = new();

    public Task<TelemetryResult> EndAsync(CancellationToken cancellationToken) => Task.FromResult(TelemetryResult.None);
}
