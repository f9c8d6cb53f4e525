using System.Collections.Frozen;
using System.Diagnostics;
using CniBench.NetworkPolicy.Conformance;
using k8s;

namespace CniBench.Kubernetes.Netpol;

/// <summary>Where a model pod ("x/a") lives on the cluster.</summary>
public sealed record PodLocation(string Namespace, string Pod);

/// <summary>
/// Probes between the model's agnhost pods on a real cluster. One exec per source pod carries all of that pod's
/// probes, run concurrently by <see cref="AgnhostConnectScript"/>, and the execs of all source pods run at once:
/// a round costs one exec round trip plus the slowest probe, never one exec per probe.
/// </summary>
public sealed class KubernetesProbeEngine : IProbeEngine
{
    private readonly IKubernetes _client;
    private readonly string _cluster;
    private readonly FrozenDictionary<string, PodLocation> _pods;
    private readonly TimeProvider _time;

    /// <param name="pods">Model pod id ("x/a") → its namespace and name on the cluster.</param>
    public KubernetesProbeEngine(IKubernetes client, string cluster, IReadOnlyDictionary<string, PodLocation> pods, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(pods);
        _client = client;
        _cluster = cluster;
        _pods = pods.ToFrozenDictionary(StringComparer.Ordinal);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>What an exec may take beyond the probe timeout: websocket setup, shell start, scheduling on a busy node.</summary>
    public TimeSpan ExecMargin { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The listeners are the pods' own <c>agnhost porter</c>; this only checks that every listed pod is Ready.</summary>
    public async Task StartListenersAsync(IReadOnlyList<ListenerSpec> listeners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        var wanted = listeners.Select(l => Locate(l.Pod)).ToList();
        var notReady = new List<string>();
        foreach (var group in wanted.GroupBy(p => p.Namespace, StringComparer.Ordinal))
        {
            var list = await KubeErrors.GuardAsync(
                () => _client.CoreV1.ListNamespacedPodAsync(group.Key, cancellationToken: cancellationToken),
                _cluster,
                $"listing the policy model's pods in namespace {group.Key}");
            var ready = list.Items.Where(PodReadiness.IsReady).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            notReady.AddRange(group.Where(p => !ready.Contains(p.Pod)).Select(p => p.Namespace + "/" + p.Pod));
        }

        if (notReady.Count > 0)
        {
            throw new KubeOperationException($"cluster '{_cluster}': the policy model's pods {string.Join(", ", notReady)} are not Ready, so their agnhost porter listeners cannot answer probes");
        }
    }

    public async Task<IReadOnlyList<ProbeResult>> ProbeAsync(IReadOnlyList<ProbeRequest> probes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var results = new ProbeResult[probes.Count];
        var batches = probes
            .Select((request, index) => (Request: request, Index: index))
            .GroupBy(p => p.Request.From, StringComparer.Ordinal)
            .Select(g => (Source: Locate(g.Key), Probes: g.ToList()))
            .ToList();

        using var round = new CancellationTokenSource(timeout + ExecMargin, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, round.Token);
        await Task.WhenAll(batches.Select(b => RunBatchAsync(b.Source, b.Probes, timeout, results, linked.Token, cancellationToken)));
        return results;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task RunBatchAsync(
        PodLocation source, List<(ProbeRequest Request, int Index)> batch, TimeSpan timeout, ProbeResult[] results, CancellationToken roundToken, CancellationToken callerToken)
    {
        var argv = AgnhostConnectScript.Argv([.. batch.Select(p => new AgnhostProbe(p.Index, p.Request.ToAddress, p.Request.Port, p.Request.Protocol))], timeout);
        var runner = new PodExecRunner(_client, _cluster, source.Namespace, source.Pod);
        var stopwatch = Stopwatch.StartNew();
        string stdout;
        try
        {
            (_, stdout, _) = await runner.ExecAsync(argv, onStdoutLine: null, roundToken);
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            Fill(batch, results, ProbeOutcome.Error, stopwatch.Elapsed, $"the exec in pod {source.Namespace}/{source.Pod} did not end within {timeout + ExecMargin}");
            return;
        }
        catch (KubeOperationException ex)
        {
            Fill(batch, results, ProbeOutcome.Error, stopwatch.Elapsed, ex.Message);
            return;
        }

        // The shell gives no per-probe clock, so each probe carries the duration of the exec that ran it.
        var elapsed = stopwatch.Elapsed;
        var lines = AgnhostConnectScript.Parse(stdout);
        foreach (var (request, index) in batch)
        {
            results[index] = lines.TryGetValue(index, out var line)
                ? new ProbeResult(request, AgnhostConnectScript.Classify(line.ExitCode, line.Message), elapsed, Detail(line))
                : new ProbeResult(request, ProbeOutcome.Error, elapsed, $"no result line for this probe in the output of pod {source.Namespace}/{source.Pod}");
        }
    }

    private static string? Detail(AgnhostConnectLine line) =>
        line.ExitCode == 0 ? null : $"agnhost connect exited {line.ExitCode}: {(line.Message.Length == 0 ? "(no message)" : line.Message)}";

    private static void Fill(List<(ProbeRequest Request, int Index)> batch, ProbeResult[] results, ProbeOutcome outcome, TimeSpan elapsed, string detail)
    {
        foreach (var (request, index) in batch)
        {
            results[index] = new ProbeResult(request, outcome, elapsed, detail);
        }
    }

    private PodLocation Locate(string podId) =>
        _pods.TryGetValue(podId, out var location)
            ? location
            : throw new ArgumentException($"pod '{podId}' is not a pod of the deployed policy model", nameof(podId));
}
