namespace CniBench.Core.Measurements;

/// <summary>Receives rows as they are measured; an implementation must make them durable before returning.</summary>
public interface IMeasurementSink
{
    Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken);

    /// <summary>Keeps a tool's own output; returns the path relative to the run folder.</summary>
    Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken);
}
