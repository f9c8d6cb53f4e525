using CniBench.Core.Measurements;
using CniBench.Core.Planning;

namespace CniBench.Core.Orchestration;

/// <summary>Hears what the orchestrator does, for progress display and logs. Every event is ignored unless implemented.</summary>
public interface IRunObserver
{
    void ClusterStarting(string cni)
    {
    }

    void ClusterReady(string cni, string description, TimeSpan elapsed)
    {
    }

    void ClusterFailed(string cni, string reason)
    {
    }

    void MeasurementStarting(PlannedMeasurement planned, int index, int total)
    {
    }

    void MeasurementFinished(PlannedMeasurement planned, IReadOnlyList<Measurement> rows)
    {
    }

    void ClusterStopping(string cni)
    {
    }

    void Message(string text)
    {
    }
}

/// <summary>Observer that ignores everything (tests, benchmarks).</summary>
public sealed class NullRunObserver : IRunObserver
{
    public static NullRunObserver Instance { get; } = new();
}
