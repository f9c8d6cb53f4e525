using CniBench.Core.Scenarios;

namespace CniBench.Core.Planning;

/// <summary>The parameters that distinguish one variant of a test from another.</summary>
public sealed record TestVariant(string Name, int Streams, long? BitrateBps = null)
{
    /// <summary>Payload, connection mode and load mode of an <c>http</c> variant; null for other tests.</summary>
    public HttpVariant? Http { get; init; }

    /// <summary>The udp capacity search of this variant; null for fixed-rate variants and other tests.</summary>
    public UdpCapacitySpec? UdpCapacity { get; init; }

    /// <summary>Protocol, message size and flows of an <c>rr</c> or <c>crr</c> variant; null for other tests.</summary>
    public Latency.LatencyVariant? Latency { get; init; }
}

/// <summary>One http variant: which payload, whether connections are reused, and saturation or fixed rate.</summary>
public sealed record HttpVariant(long PayloadBytes, string ConnectionMode, string LoadMode);

/// <summary>One tool run the orchestrator will perform.</summary>
public sealed record PlannedMeasurement(Measurements.MeasurementKey Key, TestSpec Test, TestVariant Variant);

/// <summary>The frozen output of planning: what will run, in what order, on which clusters.</summary>
public sealed record RunPlan(
    string RunId,
    ScenarioSpec Scenario,
    IReadOnlyList<string> Clusters,
    IReadOnlyList<PlannedMeasurement> Measurements);
