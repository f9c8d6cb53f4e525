using System.Collections.Concurrent;
using CniBench.Core.Measurements;

namespace CniBench.Workloads.Tests.Fakes;

/// <summary>Keeps rows and raw files in memory.</summary>
public sealed class RecordingSink : IMeasurementSink
{
    public ConcurrentQueue<Measurement> Rows { get; } = new();

    public ConcurrentDictionary<string, string> RawFiles { get; } = new(StringComparer.Ordinal);

    public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            Rows.Enqueue(row);
        }

        return Task.CompletedTask;
    }

    public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken)
    {
        RawFiles[relativePath] = content;
        return Task.FromResult(relativePath);
    }
}
