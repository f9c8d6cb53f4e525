using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;

namespace CniBench.Core.Orchestration;

/// <summary>What happened in a run, counted by status.</summary>
public sealed record RunOutcome(int Measurements, int Ok, int Failed, int Unsupported, bool Cancelled, IReadOnlyDictionary<string, string> ClusterDescriptions, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ClusterFacts);

/// <summary>
/// Runs a plan: brings up one cluster per CNI, performs every measurement in plan order, writes each
/// one's rows before the next starts, and always tears the clusters down. It knows no provider or tool.
/// </summary>
public sealed class Orchestrator(
    IClusterProvider provider,
    IReadOnlyDictionary<string, ITestKind> tests,
    IMeasurementSink sink,
    ICpuSampler? cpu,
    TimeProvider time,
    IRunObserver observer)
{
    /// <summary>How each cluster's tools were placed on the host's CPUs, recorded with its facts in run.json.</summary>
    public const string ToolPlacementFact = "tool_placement";

    private readonly Dictionary<string, string> _placements = new(StringComparer.Ordinal);

    /// <summary>Waits for a quiet host before each measurement and records what it saw; none where the host's CPU is not the cluster's (Kubernetes).</summary>
    public HostIdleCheck? IdleCheck { get; init; }

    public async Task<RunOutcome> RunAsync(RunPlan plan, CancellationToken cancellationToken)
    {
        var clusters = new Dictionary<string, ICluster>(StringComparer.Ordinal);
        var failures = new Dictionary<string, ClusterFailure>(StringComparer.Ordinal);
        int ok = 0, failed = 0, unsupported = 0, done = 0;
        var cancelled = false;
        try
        {
            foreach (var cni in plan.Clusters)
            {
                await StartClusterAsync(plan, cni, clusters, failures, cancellationToken);
            }

            foreach (var planned in plan.Measurements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                observer.MeasurementStarting(planned, done + 1, plan.Measurements.Count);
                var rows = await MeasureAsync(plan, planned, clusters, failures, cancellationToken);

                // Durable before moving on, even when the user is already pressing Ctrl-C.
                await sink.WriteAsync(rows, CancellationToken.None);
                done++;
                ok += rows.Any(r => r.Status == MeasurementStatus.Ok) ? 1 : 0;
                failed += rows.Any(r => r.Status == MeasurementStatus.Failed) ? 1 : 0;
                // A measurement with figures is not "unsupported" because one side metric (e.g. the wire check) is.
                unsupported += rows.All(r => r.Status == MeasurementStatus.Unsupported) ? 1 : 0;
                observer.MeasurementFinished(planned, rows);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        finally
        {
            foreach (var (cni, cluster) in clusters)
            {
                observer.ClusterStopping(cni);
                foreach (var test in tests.Values)
                {
                    try
                    {
                        await test.ReleaseAsync(cluster);
                    }
                    catch (Exception ex)
                    {
                        observer.Message($"{test.Name} could not release {cni}: {ex.Message}");
                    }
                }

                try
                {
                    await cluster.DisposeAsync();
                }
                catch (Exception ex)
                {
                    observer.Message($"tearing down {cni} failed: {ex.Message} (run 'cnibench lab down' to finish the clean-up)");
                }
            }
        }

        return new RunOutcome(
            done, ok, failed, unsupported, cancelled,
            clusters.ToDictionary(c => c.Key, c => c.Value.Description),
            clusters.ToDictionary(c => c.Key, c => FactsOf(c.Key, c.Value)));
    }

    private IReadOnlyDictionary<string, string> FactsOf(string cni, ICluster cluster) =>
        _placements.TryGetValue(cni, out var placement)
            ? new Dictionary<string, string>(cluster.Facts, StringComparer.Ordinal) { [ToolPlacementFact] = placement }
            : cluster.Facts;

    /// <summary>The endpoints placed as the scenario asks, when the cluster can place its tools; the placement is kept for run.json.</summary>
    private (IWorkloadHost Client, IWorkloadHost Server) Place(RunPlan plan, PlannedMeasurement planned, ICluster cluster, IWorkloadHost client, IWorkloadHost server)
    {
        if (cluster is not IToolPlacement placement)
        {
            return (client, server);
        }

        var placed = placement.Place(client, server, new ToolPlacementSpec(plan.Scenario.Lab.CpuPinning, plan.Scenario.Lab.ToolNice));
        _placements[planned.Key.Cni] = placed.Placement;
        return (placed.Client, placed.Server);
    }

    private async Task StartClusterAsync(
        RunPlan plan, string cni, Dictionary<string, ICluster> clusters, Dictionary<string, ClusterFailure> failures, CancellationToken cancellationToken)
    {
        observer.ClusterStarting(cni);
        var started = time.GetTimestamp();
        try
        {
            var shape = new ClusterShape(plan.Scenario.Lab.Nodes, plan.Scenario.Lab.PodsPerNode, plan.Scenario.Lab.Mtu);
            var cluster = await provider.CreateAsync(ClusterRequest.For(ClusterId.Parse(cni), shape), null, cancellationToken);
            clusters[cni] = cluster;
            observer.ClusterReady(cni, cluster.Description, time.GetElapsedTime(started));
        }
        catch (ClusterUnsupportedException ex)
        {
            failures[cni] = new ClusterFailure(ex.Message, Unsupported: true);
            observer.ClusterFailed(cni, $"unsupported here: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One CNI that cannot come up must not cost the others their measurements.
            failures[cni] = new ClusterFailure(ex.Message, Unsupported: false);
            observer.ClusterFailed(cni, ex.Message);
        }
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(
        RunPlan plan,
        PlannedMeasurement planned,
        Dictionary<string, ICluster> clusters,
        Dictionary<string, ClusterFailure> failures,
        CancellationToken cancellationToken)
    {
        if (!tests.TryGetValue(planned.Key.Test, out var test))
        {
            return [Row(plan, planned, MeasurementStatus.Unsupported, $"no driver for test '{planned.Key.Test}'")];
        }

        if (!clusters.TryGetValue(planned.Key.Cni, out var cluster))
        {
            return failures.GetValueOrDefault(planned.Key.Cni) is { Unsupported: true } unsupportedCluster
                ? [Row(plan, planned, MeasurementStatus.Unsupported, unsupportedCluster.Reason, test.PrimaryMetric)]
                : [Row(plan, planned, MeasurementStatus.Failed, $"cluster did not come up: {failures.GetValueOrDefault(planned.Key.Cni)?.Reason ?? "cluster was not created"}", test.PrimaryMetric)];
        }

        if (EndpointSelector.Select(cluster, planned.Key.Topology) is not { } pair)
        {
            return [Row(plan, planned, MeasurementStatus.Unsupported, $"the cluster's shape has no {planned.Key.Topology} pair", test.PrimaryMetric)];
        }

        var (client, server) = pair;
        IServiceExposure? service = null;
        if (planned.Key.Topology == Topologies.PodToService)
        {
            if (cluster is not IServiceCluster services)
            {
                return [Row(plan, planned, MeasurementStatus.Unsupported, $"{provider.Name} clusters have no Service model", test.PrimaryMetric)];
            }

            if (test.ServicePorts.Count == 0)
            {
                return [Row(plan, planned, MeasurementStatus.Unsupported, $"{test.Name} does not run through a Service", test.PrimaryMetric)];
            }

            try
            {
                service = await services.ExposeAsync(new ServiceRequest($"cnb-{test.Name}", [server], test.ServicePorts) { Client = client, UniqueName = true }, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return [Row(plan, planned, MeasurementStatus.Failed, $"creating the Service failed: {ex.Message}", test.PrimaryMetric)];
            }
        }

        try
        {
            var measured = await MeasureAsync(plan, planned, test, cluster, client, server, service?.Address ?? server.Address, cancellationToken);
            return service?.ReadyWait is { } wait && measured.Any(m => m.Status == MeasurementStatus.Ok)
                ? [.. measured, Row(plan, planned, MeasurementStatus.Ok, null, Metrics.ServiceReadyMs) with { Value = wait.TotalMilliseconds, Unit = Metrics.Milliseconds }]
                : measured;
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
    }

    private async Task<IReadOnlyList<Measurement>> MeasureAsync(
        RunPlan plan,
        PlannedMeasurement planned,
        ITestKind test,
        ICluster cluster,
        IWorkloadHost client,
        IWorkloadHost server,
        System.Net.IPAddress target,
        CancellationToken cancellationToken)
    {
        var rawPath = RawPath(planned.Key);
        (client, server) = Place(plan, planned, cluster, client, server);
        var idle = IdleCheck is null ? null : await IdleCheck.WaitAsync(cancellationToken);
        // Host CPU means something only where the datapath runs on this host (the lab).
        await using var recording = cpu is null ? null : CpuRecording.Start(cpu, time);
        var window = cluster is IClusterTelemetry telemetry ? await telemetry.BeginAsync(new TelemetryRequest([client.NodeName, server.NodeName], test.SendsPlaintextMarker), cancellationToken) : null;
        TestOutcome outcome;
        try
        {
            outcome = await test.RunAsync(new TestInvocation(planned, client, server, sink, rawPath) { Cluster = cluster, Target = target }, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = TestOutcome.Failed(ex.Message);
        }

        var timeline = recording is null ? null : await recording.StopAsync();
        var nodes = window is null ? TelemetryResult.None : await window.EndAsync(cancellationToken);
        if (outcome.Status != MeasurementStatus.Ok)
        {
            var reason = outcome.Reason ?? "no reason given";
            if (outcome.Status == MeasurementStatus.Failed && cluster is IClusterHealth health && await health.CheckAsync(CancellationToken.None) is { } broken)
            {
                reason = $"{broken}; {reason}";
            }

            return [Row(plan, planned, outcome.Status, reason, test.PrimaryMetric, outcome.RawFile)];
        }

        var cpuObservations = timeline is null ? [] : CpuObservations(timeline, outcome);
        IReadOnlyList<Observation> datapathCpu = DatapathCpu.CoresPerGbps([.. outcome.Observations, .. nodes.Observations]) is { } cost ? [cost] : [];
        var now = time.GetUtcNow();
        return
        [
            .. outcome.Observations.Concat(cpuObservations).Concat(nodes.Observations).Concat(datapathCpu).Concat(idle?.ToObservations() ?? []).Select(o => Row(plan, planned, MeasurementStatus.Ok, null, o.Metric, outcome.RawFile) with
            {
                Value = o.Value,
                Unit = o.Unit,
                Timestamp = now,
            }),
            .. nodes.Unsupported.Select(u => Row(plan, planned, MeasurementStatus.Unsupported, u.Reason, u.Metric, outcome.RawFile)),
        ];
    }

    /// <summary>
    /// Host CPU over the window the tool measured when it says which that was (iperf3 does), otherwise over the whole
    /// test; busy cores per Gbit/s only over the measured window, since throughput counts nothing else.
    /// </summary>
    private static IReadOnlyList<Observation> CpuObservations(CpuTimeline timeline, TestOutcome outcome)
    {
        var packets = outcome.Observations.FirstOrDefault(o => o.Metric == Metrics.PacketsPerSecond);
        if (outcome.Window is not { } window || timeline.Over(window) is not var (start, end))
        {
            return timeline.Whole() is var (first, last) ? [.. last.Since(first), .. PerMillionPackets(first, last, packets)] : [];
        }

        var throughput = outcome.Observations.FirstOrDefault(o => o.Metric == Metrics.ThroughputBps);
        return
        [
            .. end.Since(start),
            new Observation(Metrics.HostCpuBusyCores, end.BusyCores(start), Metrics.Cores),
            .. throughput is not null && end.CoresPerGbps(start, throughput.Value) is { } cost
                ? [new Observation(Metrics.HostCpuCoresPerGbps, cost, Metrics.Cores)]
                : Array.Empty<Observation>(),
            .. PerMillionPackets(start, end, packets),
        ];
    }

    /// <summary>Host core-seconds per million packets between two snapshots, when the tool reported a packet rate (the small-packet udp test).</summary>
    private static IReadOnlyList<Observation> PerMillionPackets(CpuSnapshot start, CpuSnapshot end, Observation? packets) =>
        packets is not null && end.CoreSecondsPerMillionPackets(start, packets.Value) is { } perPacket
            ? [new Observation(Metrics.HostCpuSecondsPerMillionPackets, perPacket, Metrics.Seconds)]
            : [];

    private Measurement Row(RunPlan plan, PlannedMeasurement planned, MeasurementStatus status, string? reason, string metric = Metrics.ThroughputBps, string? rawFile = null) => new()
    {
        RunId = plan.RunId,
        Provider = plan.Scenario.Provider,
        Cni = planned.Key.Cni,
        Test = planned.Key.Test,
        Variant = planned.Key.Variant,
        Topology = planned.Key.Topology,
        Repetition = planned.Key.Repetition,
        Metric = metric,
        Status = status,
        Reason = reason,
        RawFile = rawFile,
        Timestamp = time.GetUtcNow(),
    };

    /// <summary>Why a cluster is missing: it failed to come up, or the provider cannot build it here at all.</summary>
    private sealed record ClusterFailure(string Reason, bool Unsupported);

    /// <summary>Where a measurement's raw tool output goes, relative to the run folder.</summary>
    public static string RawPath(MeasurementKey key) =>
        $"raw/{key.Cni}/{key.Test}-{key.Variant}-{key.Topology}-r{key.Repetition}.json";
}
