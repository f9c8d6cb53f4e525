using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Processes;
using CniBench.NetworkPolicy.Conformance;
using CniBench.NetworkPolicy.Model;
using CniBench.Processes;

namespace CniBench.Lab.Probes;

/// <summary>What to measure: a lab shape, the port/protocols every pod serves and every pod probes.</summary>
public sealed record ProbeBenchmarkSpec
{
    public required CniManifest Cni { get; init; }

    public int Nodes { get; init; } = 3;

    public int PodsPerNode { get; init; } = 3;

    public required IReadOnlyList<ProbeKey> Probes { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Pods whose namespace drops every probed port, so their probes time out as under a deny policy;
    /// null means the pods of node 1. Zero measures a round where everything connects.
    /// </summary>
    public int? BlockedPods { get; init; }

    /// <summary>Probe rounds with the engine; the first includes its one-off costs, the median is the steady figure.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Also probe the same round the slow way, one <c>ip netns exec … bash</c> process per probe.</summary>
    public bool CompareProcessPerProbe { get; init; }

    public int ProcessParallelism { get; init; } = Environment.ProcessorCount * 4;

    public int MaxInFlight { get; init; } = NamespaceProbeEngine.DefaultMaxInFlight;

    public LabProviderOptions? LabOptions { get; init; }
}

/// <summary>Timings of one probe benchmark: lab, listeners, each engine round, and the process-per-probe round.</summary>
public sealed record ProbeBenchmarkResult
{
    public required string Cni { get; init; }

    public required int Nodes { get; init; }

    public required int PodsPerNode { get; init; }

    public required int ProbesPerRound { get; init; }

    public required int BlockedPods { get; init; }

    /// <summary>Probes whose destination drops them: they must time out, and they set the floor of a round.</summary>
    public required int ExpectedTimeouts { get; init; }

    public required TimeSpan Timeout { get; init; }

    public required int MaxInFlight { get; init; }

    public required TimeSpan LabUp { get; init; }

    /// <summary>How long after the lab was built its last link became operationally up (see <see cref="LabLinkReadiness"/>).</summary>
    public required TimeSpan LinksUp { get; init; }

    public required TimeSpan ListenersStarted { get; init; }

    public required IReadOnlyList<TimeSpan> Rounds { get; init; }

    /// <summary>Outcome counts of the first engine round.</summary>
    public required IReadOnlyDictionary<ProbeOutcome, int> Outcomes { get; init; }

    public ProcessPerProbeResult? ProcessPerProbe { get; init; }

    public TimeSpan MedianRound => LabTimings.Median(Rounds);

    /// <summary>How many times longer the process-per-probe round took than the engine's median round.</summary>
    public double? ProcessPerProbeRatio => ProcessPerProbe is { } slow ? slow.Elapsed / MedianRound : null;

    public override string ToString()
    {
        var rounds = string.Join(", ", Rounds.Select(r => r.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)));
        var outcomes = string.Join(", ", Outcomes.OrderBy(o => o.Key).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}")));
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{Cni} {Nodes}x{PodsPerNode} pods, {ProbesPerRound} probes/round, {BlockedPods} blocked pods ({ExpectedTimeouts} probes time out at {Timeout.TotalMilliseconds:0} ms), in flight <= {MaxInFlight}: lab up {LabUp.TotalMilliseconds:0} ms + links up {LinksUp.TotalMilliseconds:0} ms, listeners {ListenersStarted.TotalMilliseconds:0} ms, rounds [{rounds}] ms, median {MedianRound.TotalMilliseconds:0} ms; first round: {outcomes}");
        if (ProcessPerProbe is { } slow)
        {
            var slowOutcomes = string.Join(", ", slow.Outcomes.OrderBy(o => o.Key).Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Key} {o.Value}")));
            text += string.Create(
                CultureInfo.InvariantCulture,
                $"; process per probe ({slow.Parallelism} at a time): {slow.Elapsed.TotalMilliseconds:0} ms = {ProcessPerProbeRatio:0.0}x the median round, {slowOutcomes}, {slow.AgreeingWithEngine}/{ProbesPerRound} agree with the engine");
        }

        return text;
    }
}

/// <summary>The same round probed with one process per probe, as exec-based tools do.</summary>
public sealed record ProcessPerProbeResult(TimeSpan Elapsed, int Parallelism, IReadOnlyDictionary<ProbeOutcome, int> Outcomes, int AgreeingWithEngine);

/// <summary>
/// Probe-speed benchmarks on a lab of their own (<c>cnibench bench probes</c>): every pod serves and probes
/// every pod on every given port/protocol, some pods drop everything so their probes time out, and the same
/// round is optionally repeated with a process per probe so the ratio can be quoted.
/// </summary>
public static class ProbeBenchmarks
{
    private const string DropTable = "cnb_probe_bench";

    public static Task<ProbeBenchmarkResult> RunAsync(
        CniManifest cni, int nodes, int podsPerNode, IReadOnlyList<ProbeKey> probes, TimeSpan timeout, bool compareProcessPerProbe, CancellationToken cancellationToken) =>
        RunAsync(
            new ProbeBenchmarkSpec
            {
                Cni = cni,
                Nodes = nodes,
                PodsPerNode = podsPerNode,
                Probes = probes,
                Timeout = timeout,
                CompareProcessPerProbe = compareProcessPerProbe,
            },
            cancellationToken);

    public static async Task<ProbeBenchmarkResult> RunAsync(ProbeBenchmarkSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.ProcessParallelism, 1);
        if (spec.Probes.Count == 0)
        {
            throw new ArgumentException("no port/protocol to probe", nameof(spec));
        }

        var options = (spec.LabOptions ?? new LabProviderOptions()) with { Persistent = false };
        var time = options.TimeProvider;
        var provider = new LabProvider(new CniCatalog([spec.Cni]), options);
        var started = time.GetTimestamp();
        await using var cluster = await provider.CreateAsync(
            new ClusterRequest(spec.Cni.Name, ClusterShape.Default with { Nodes = spec.Nodes, PodsPerNode = spec.PodsPerNode }), null, cancellationToken);
        var labUp = time.GetElapsedTime(started);
        var linksUp = await LabLinkReadiness.WaitAsync(cluster.Namespaces, options.Runner, time, TimeSpan.FromSeconds(10), cancellationToken);

        var pods = cluster.Blueprint.Pods;
        var blockedCount = Math.Clamp(spec.BlockedPods ?? spec.PodsPerNode, 0, pods.Count);
        var blocked = pods.Take(blockedCount).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var pod in pods.Take(blockedCount))
        {
            await DropProbedPortsAsync(pod.Namespace, spec.Probes, options.Runner, cancellationToken);
        }

        var requests = (
            from source in pods
            from destination in pods
            from key in spec.Probes
            select new ProbeRequest(source.Name, destination.Name, destination.Address, key.Port, key.Protocol)).ToArray();
        var ports = spec.Probes.Select(k => new ContainerPortModel(null, k.Port, k.Protocol)).ToArray();

        await using var engine = new NamespaceProbeEngine(pods.ToDictionary(p => p.Name, p => p.Namespace, StringComparer.Ordinal), time, spec.MaxInFlight);
        started = time.GetTimestamp();
        await engine.StartListenersAsync([.. pods.Select(p => new ListenerSpec(p.Name, ports))], cancellationToken);
        var listenersStarted = time.GetElapsedTime(started);

        var rounds = new List<TimeSpan>(spec.Rounds);
        IReadOnlyList<ProbeResult>? first = null;
        for (var round = 0; round < spec.Rounds; round++)
        {
            started = time.GetTimestamp();
            var results = await engine.ProbeAsync(requests, spec.Timeout, cancellationToken);
            rounds.Add(time.GetElapsedTime(started));
            first ??= results;
        }

        ProcessPerProbeResult? slow = null;
        if (spec.CompareProcessPerProbe)
        {
            var namespaces = pods.ToDictionary(p => p.Name, p => p.Namespace, StringComparer.Ordinal);
            slow = await ProcessPerProbeAsync(requests, namespaces, first!, spec, options.Runner, time, cancellationToken);
        }

        return new ProbeBenchmarkResult
        {
            Cni = spec.Cni.Name,
            Nodes = spec.Nodes,
            PodsPerNode = spec.PodsPerNode,
            ProbesPerRound = requests.Length,
            BlockedPods = blockedCount,
            ExpectedTimeouts = requests.Count(r => blocked.Contains(r.To) && r.Protocol != NetpolProtocol.Sctp),
            Timeout = spec.Timeout,
            MaxInFlight = spec.MaxInFlight,
            LabUp = labUp,
            LinksUp = linksUp,
            ListenersStarted = listenersStarted,
            Rounds = rounds,
            Outcomes = Count(first!),
            ProcessPerProbe = slow,
        };
    }

    /// <summary>The argv of one slow probe: bash's /dev/tcp and /dev/udp in the source namespace, cut off by timeout(1).</summary>
    internal static ProcessSpec ProcessProbeSpec(ProbeRequest probe, TimeSpan timeout)
    {
        // Address and port are positional parameters, never spliced into the script.
        var script = probe.Protocol == NetpolProtocol.Udp
            ? "exec 3<>/dev/udp/$0/$1 && printf x >&3 && read -r -N 1 -u 3 reply"
            : "exec 3<>/dev/tcp/$0/$1";
        return new ProcessSpec(
            "timeout",
            [timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), "bash", "-c", script, probe.ToAddress.ToString(), probe.Port.ToString(CultureInfo.InvariantCulture)])
        {
            Timeout = timeout + TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Reads a slow probe's exit: 0 connected, 124 cut off by timeout(1), bash's error text otherwise.</summary>
    internal static ProbeOutcome ClassifyProcessProbe(ProcessResult result) => result switch
    {
        { ExitCode: 0 } => ProbeOutcome.Connected,
        { ExitCode: 124 } => ProbeOutcome.TimedOut,
        _ when result.StandardError.Contains("Connection refused", StringComparison.Ordinal) => ProbeOutcome.Refused,
        _ => ProbeOutcome.Error,
    };

    private static async Task<ProcessPerProbeResult> ProcessPerProbeAsync(
        ProbeRequest[] requests,
        Dictionary<string, string> namespaces,
        IReadOnlyList<ProbeResult> engine,
        ProbeBenchmarkSpec spec,
        IProcessRunner host,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var outcomes = new ProbeOutcome[requests.Length];
        var started = time.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requests.Length),
            new ParallelOptions { MaxDegreeOfParallelism = spec.ProcessParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var probe = requests[i];
                if (probe.Protocol == NetpolProtocol.Sctp)
                {
                    // bash has no SCTP; the comparison is only about the probes both ways can make.
                    outcomes[i] = engine[i].Outcome;
                    return;
                }

                var runner = new NetnsProcessRunner(namespaces[probe.From], host);
                outcomes[i] = ClassifyProcessProbe(await runner.RunAsync(ProcessProbeSpec(probe, spec.Timeout), token));
            });
        var elapsed = time.GetElapsedTime(started);
        var counts = outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        var agreeing = outcomes.Where((outcome, i) => outcome == engine[i].Outcome).Count();
        return new ProcessPerProbeResult(elapsed, spec.ProcessParallelism, counts, agreeing);
    }

    private static async Task DropProbedPortsAsync(string ns, IReadOnlyList<ProbeKey> probes, IProcessRunner host, CancellationToken cancellationToken)
    {
        var ports = string.Join(", ", probes.Select(p => p.Port).Distinct().Order().Select(p => p.ToString(CultureInfo.InvariantCulture)));
        var ruleset = $$"""
            table inet {{DropTable}} {
              chain input {
                type filter hook input priority filter; policy accept;
                meta l4proto { tcp, udp, sctp } th dport { {{ports}} } drop
              }
            }
            """;
        var result = await new NetnsProcessRunner(ns, host).RunAsync(
            new ProcessSpec("nft", ["-f", "-"]) { StandardInput = ruleset + "\n", Timeout = TimeSpan.FromSeconds(10) }, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{ns}: nft drop rule failed: {result.StandardError.Trim()}");
        }
    }

    private static Dictionary<ProbeOutcome, int> Count(IReadOnlyList<ProbeResult> results) =>
        results.GroupBy(r => r.Outcome).ToDictionary(g => g.Key, g => g.Count());
}
