using CniBench.Core.Scenarios;

namespace CniBench.Core.Planning;

/// <summary>The parameters that distinguish one variant of a test from another.</summary>
public sealed record TestVariant(string Name, int Streams, long? BitrateBps = null)
{
    /// <summary>What only the variant's kind reads (an http variant's payload and modes, a udp capacity search); null when nothing.</summary>
    public object? Parameters { get; init; }

    /// <summary>The <see cref="Parameters"/> as their kind's type, or null when the variant has none of that type.</summary>
    public T? ParametersAs<T>()
        where T : class => Parameters as T;
}

/// <summary>One tool run the orchestrator will perform.</summary>
public sealed record PlannedMeasurement(Measurements.MeasurementKey Key, TestSpec Test, TestVariant Variant);

/// <summary>The frozen output of planning: what will run, in what order, on which clusters.</summary>
public sealed record RunPlan(
    string RunId,
    ScenarioSpec Scenario,
    IReadOnlyList<string> Clusters,
    IReadOnlyList<PlannedMeasurement> Measurements);
