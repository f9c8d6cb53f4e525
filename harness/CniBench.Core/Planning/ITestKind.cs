using CniBench.Core.Clusters;
using CniBench.Core.Measurements;

namespace CniBench.Core.Planning;

/// <summary>A test kind (tcp, udp, …): runs one planned measurement between a client and a server host.</summary>
public interface ITestKind
{
    string Name { get; }

    /// <summary>The metric a failed run is recorded under, so failures count against the figure people read.</summary>
    string PrimaryMetric => Measurements.Metrics.ThroughputBps;

    Task<TestOutcome> RunAsync(TestInvocation invocation, CancellationToken cancellationToken);

    /// <summary>Whether the traffic carries a known plaintext marker, so the wire check can tell encrypted from not.</summary>
    bool SendsPlaintextMarker => false;

    /// <summary>What a Service in front of the server must forward for the <c>pod-to-service</c> topology; empty when the test cannot use one.</summary>
    IReadOnlyList<ServicePort> ServicePorts => [];

    /// <summary>Called before <paramref name="cluster"/> is torn down, so a test can close what it keeps open there.</summary>
    ValueTask ReleaseAsync(ICluster cluster) => ValueTask.CompletedTask;
}

/// <summary>Everything a test needs for one run; the raw output path is relative to the run folder.</summary>
public sealed record TestInvocation(
    PlannedMeasurement Planned,
    IWorkloadHost Client,
    IWorkloadHost Server,
    IMeasurementSink Sink,
    string RawPath)
{
    /// <summary>The whole cluster, for tests that use more than one client/server pair (network-policy probes).</summary>
    public ICluster? Cluster { get; init; }

    /// <summary>The address the client connects to: the server's own, or a Service's ClusterIP in front of it.</summary>
    public System.Net.IPAddress Target { get; init; } = Server.Address;
}

/// <summary>What a test produced: observations when it worked, or a reason when it did not.</summary>
public sealed record TestOutcome
{
    public IReadOnlyList<Observation> Observations { get; init; } = [];

    public MeasurementStatus Status { get; init; } = MeasurementStatus.Ok;

    public string? Reason { get; init; }

    public string? RawFile { get; init; }

    /// <summary>The span the tool's figures cover, when it says; host CPU is then charged over exactly that span.</summary>
    public MeasuredWindow? Window { get; init; }

    public static TestOutcome Ok(IReadOnlyList<Observation> observations, string? rawFile) =>
        new() { Observations = observations, RawFile = rawFile };

    public static TestOutcome Failed(string reason, string? rawFile = null) =>
        new() { Status = MeasurementStatus.Failed, Reason = reason, RawFile = rawFile };

    public static TestOutcome Unsupported(string reason) =>
        new() { Status = MeasurementStatus.Unsupported, Reason = reason };
}
