using CniBench.Core.Measurements;

namespace CniBench.Core.Clusters;

/// <summary>
/// Figures a cluster can report about a measurement window beyond what the test itself measures (node CPU and
/// memory). Optional: the orchestrator asks a cluster that implements it, before and after each measurement.
/// </summary>
public interface IClusterTelemetry
{
    /// <summary>Opens a window over the nodes the measurement uses. Never throws for an API that cannot answer.</summary>
    Task<ITelemetryWindow> BeginAsync(TelemetryRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// What a measurement window covers: the nodes its client and server run on, and whether the test sends the
/// plaintext marker the wire check looks for (only then does "not seen" mean "encrypted").
/// </summary>
public sealed record TelemetryRequest(IReadOnlyCollection<string> NodeNames, bool PlaintextMarkerSent);

public interface ITelemetryWindow
{
    /// <summary>Closes the window. Never throws for an API that cannot answer: such metrics come back unsupported.</summary>
    Task<TelemetryResult> EndAsync(CancellationToken cancellationToken);
}

/// <summary>What a window observed, and the metrics it could not observe with the reason.</summary>
public sealed record TelemetryResult(IReadOnlyList<Observation> Observations, IReadOnlyList<UnsupportedMetric> Unsupported)
{
    public static TelemetryResult None { get; } = new([], []);
}

public sealed record UnsupportedMetric(string Metric, string Reason);

/// <summary>Several telemetry windows closed together, their results joined.</summary>
public sealed class CombinedTelemetryWindow(IReadOnlyList<ITelemetryWindow> windows) : ITelemetryWindow
{
    public async Task<TelemetryResult> EndAsync(CancellationToken cancellationToken)
    {
        var results = new List<TelemetryResult>();
        foreach (var window in windows)
        {
            results.Add(await window.EndAsync(cancellationToken));
        }

        return new TelemetryResult([.. results.SelectMany(r => r.Observations)], [.. results.SelectMany(r => r.Unsupported)]);
    }
}
