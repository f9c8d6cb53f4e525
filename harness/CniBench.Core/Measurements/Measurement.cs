namespace CniBench.Core.Measurements;

public enum MeasurementStatus
{
    Ok,
    Failed,
    Unsupported,
}

/// <summary>
/// One observation: the single record that results writers, statistics and reports read.
/// A failed or unsupported measurement is a row too, with no value and a reason.
/// </summary>
public sealed record Measurement
{
    public required string RunId { get; init; }

    public required string Provider { get; init; }

    public required string Cni { get; init; }

    public required string Test { get; init; }

    public required string Variant { get; init; }

    public required string Topology { get; init; }

    public required int Repetition { get; init; }

    public required string Metric { get; init; }

    public double? Value { get; init; }

    public string Unit { get; init; } = "";

    public MeasurementStatus Status { get; init; } = MeasurementStatus.Ok;

    public string? Reason { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Path of the tool's own output under the run folder, so any number can be traced.</summary>
    public string? RawFile { get; init; }

    /// <summary>Identity of the measurement the row belongs to, without the metric.</summary>
    public MeasurementKey Key => new(Cni, Test, Variant, Topology, Repetition);
}

/// <summary>Identifies one measurement (one tool run) in a run plan.</summary>
public sealed record MeasurementKey(string Cni, string Test, string Variant, string Topology, int Repetition)
{
    public override string ToString() => $"{Cni}/{Test}/{Variant}/{Topology}#{Repetition}";
}

/// <summary>A metric value as a test reports it, before the orchestrator stamps run identity on it.</summary>
public sealed record Observation(string Metric, double Value, string Unit);

/// <summary>Topology names shared by tests, results and charts.</summary>
public static class Topologies
{
    public const string SameNode = "same-node";
    public const string CrossNode = "cross-node";

    /// <summary>Every pod to every pod: the network-policy probe matrix.</summary>
    public const string PodToPod = "pod-to-pod";

    /// <summary>A pod on one node to a Service (ClusterIP) whose one backend is a pod on another node.</summary>
    public const string PodToService = "pod-to-service";

    /// <summary>A client pod through an ingress controller pod to backend pods on other nodes.</summary>
    public const string Ingress = "ingress";

    public static IReadOnlyList<string> All { get; } = [SameNode, CrossNode, PodToService];
}

/// <summary>The pseudo-CNI under which the no-CNI node-to-node baseline is recorded.</summary>
public static class Underlay
{
    public const string Name = "underlay";
}
