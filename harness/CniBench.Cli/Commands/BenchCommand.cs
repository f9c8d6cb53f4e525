using System.CommandLine;
using System.Globalization;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Core.Planning;
using CniBench.Core.Processes;
using CniBench.Core.Scenarios;
using CniBench.Lab;
using CniBench.Lab.Probes;
using CniBench.NetworkPolicy.Model;
using CniBench.Workloads.Iperf3;
using CniBench.Workloads.Tcp;
using Perfolizer.Mathematics.QuantileEstimators;
using Spectre.Console;

namespace CniBench.Cli.Commands;

/// <summary>
/// <c>cnibench bench</c>: end-to-end performance checks of the harness itself, measured side by side in one
/// run because the machines are shared and noisy. Quoted in docs/performance.md.
/// </summary>
internal static class BenchCommand
{
    public static Command Create() => new("bench", "Measure the harness itself: lab set-up cost, and whether the harness distorts what it measures")
    {
        LabUpDown(),
        UnderlayFidelity(),
        RrFidelity(),
        Probes(),
    };

    private static Command Probes()
    {
        var cni = new Option<string>("--cni") { Description = "CNI model to probe across", DefaultValueFactory = _ => "calico" };
        var nodes = new Option<int>("--nodes") { Description = "Nodes (pods spread over them)", DefaultValueFactory = _ => 3 };
        var pods = new Option<int>("--pods") { Description = "Pods per node", DefaultValueFactory = _ => 3 };
        var ports = new Option<string>("--ports") { Description = "Ports, comma-separated", DefaultValueFactory = _ => "80,81" };
        var protocols = new Option<string>("--protocols") { Description = "tcp, udp or both, comma-separated", DefaultValueFactory = _ => "tcp,udp" };
        var timeout = new Option<int>("--timeout-ms") { Description = "Probe timeout; the pods of node 1 drop their ports, so some probes wait this long", DefaultValueFactory = _ => 500 };
        var compare = new Option<bool>("--compare") { Description = "Also time the same round with one process per probe (ip netns exec + bash /dev/tcp)" };
        var command = new Command("probes", "Time a full probe round (every pod to every pod, every port and protocol) on a lab, optionally against one process per probe")
        {
            cni, nodes, pods, ports, protocols, timeout, compare,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            var (manifest, refused) = PrepareLab(console, parse.GetValue(cni)!);
            if (manifest is null)
            {
                return refused;
            }

            var keys = new List<ProbeKey>();
            foreach (var port in parse.GetValue(ports)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                foreach (var protocol in parse.GetValue(protocols)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!int.TryParse(port, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535 || !NetpolProtocols.TryParse(protocol.ToUpperInvariant(), out var parsed))
                    {
                        console.MarkupLine($"[red]error:[/] bad port '{Markup.Escape(port)}' or protocol '{Markup.Escape(protocol)}'");
                        return ExitCodes.BadInput;
                    }

                    keys.Add(new ProbeKey(number, parsed));
                }
            }

            var result = await ProbeBenchmarks.RunAsync(new ProbeBenchmarkSpec
            {
                Cni = manifest,
                Nodes = Math.Clamp(parse.GetValue(nodes), 2, 50),
                PodsPerNode = Math.Clamp(parse.GetValue(pods), 1, 50),
                Probes = keys,
                Timeout = TimeSpan.FromMilliseconds(Math.Clamp(parse.GetValue(timeout), 50, 30_000)),
                CompareProcessPerProbe = parse.GetValue(compare),
            }, cancellationToken);
            console.WriteLine(result.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command LabUpDown()
    {
        var cni = new Option<string>("--cni") { Description = "CNI model to build, or cni+variant (e.g. calico+wireguard)", DefaultValueFactory = _ => "flannel" };
        var iterations = new Option<int>("--iterations", "-n") { Description = "Labs to build and remove (1-100)", DefaultValueFactory = _ => 10 };
        var nodes = new Option<int>("--nodes") { DefaultValueFactory = _ => 3, Description = "Nodes per lab" };
        var pods = new Option<int>("--pods") { DefaultValueFactory = _ => 2, Description = "Pods per node" };
        var command = new Command("lab", "Time lab up + down (default 3 nodes × 2 pods) and print the median") { cni, iterations, nodes, pods };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            var id = ClusterId.Parse(parse.GetValue(cni)!);
            var (manifest, refused) = PrepareLab(console, id.Cni);
            if (manifest is null)
            {
                return refused;
            }

            if (id.Variant is not null && manifest.Variant(id.Variant) is null)
            {
                console.MarkupLine($"[red]error:[/] {Markup.Escape(id.Cni)} offers no variant '{Markup.Escape(id.Variant)}'; it offers: {Markup.Escape(string.Join(", ", manifest.Variants.Select(v => v.Name).DefaultIfEmpty("none")))}");
                return ExitCodes.BadInput;
            }

            var count = Math.Clamp(parse.GetValue(iterations), 1, 100);
            var shape = new ClusterShape(parse.GetValue(nodes), parse.GetValue(pods), 1500);
            IReadOnlyList<LabUpDownTiming> timings;
            try
            {
                timings = await LabTimings.MeasureAsync(manifest, id.Variant, shape, count, new LabProviderOptions(), cancellationToken);
            }
            catch (ClusterUnsupportedException ex)
            {
                console.MarkupLine($"[yellow]unsupported here:[/] {Markup.Escape(ex.Message)}");
                return ExitCodes.Environment;
            }

            console.MarkupLine($"lab up+down, {Markup.Escape(id.ToString())}, {shape.Nodes} nodes × {shape.PodsPerNode} pods, {count} iterations:");
            console.MarkupLine($"  up    median {Ms(Median(timings.Select(t => t.Up)))}   down median {Ms(Median(timings.Select(t => t.Down)))}");
            console.MarkupLine($"  total median [bold]{Ms(Median(timings.Select(t => t.Total)))}[/]  (min {Ms(timings.Min(t => t.Total))}, max {Ms(timings.Max(t => t.Total))})");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command UnderlayFidelity()
    {
        var runs = new Option<int>("--runs", "-n") { Description = "Runs of each kind, interleaved (1-20)", DefaultValueFactory = _ => 5 };
        var seconds = new Option<int>("--duration", "-d") { Description = "Measured seconds per run", DefaultValueFactory = _ => 5 };
        var warmupPairs = WarmupPairsOption();
        var command = new Command("underlay", "Underlay TCP measured by the harness vs iperf3 run by hand between the same two namespaces, interleaved; prints the median ratio (target 0.95-1.05)")
        {
            runs, seconds, warmupPairs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            if (!RequireRoot(console))
            {
                return ExitCodes.Environment;
            }

            var count = Math.Clamp(parse.GetValue(runs), 1, 20);
            var duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 60));
            await using var cluster = await new LabProvider(new CniCatalog([])).CreateAsync(new ClusterRequest(Underlay.Name, new ClusterShape(2, 0, 1500)), null, cancellationToken);
            var client = cluster.Nodes[0].HostNetwork;
            var server = cluster.Nodes[1].HostNetwork;
            var test = new TcpKind(new Iperf3Driver());
            var spec = new TestSpec { Test = TcpKind.TestName, Duration = duration, Warmup = TimeSpan.FromSeconds(1), Settings = new TcpTestSpec() };
            var planned = new PlannedMeasurement(new MeasurementKey(Underlay.Name, TcpKind.TestName, "1-stream", Topologies.CrossNode, 1), spec, new TestVariant("1-stream", 1));
            var pairs = await InterleavedPairs.RunAsync(count, Math.Clamp(parse.GetValue(warmupPairs), 0, 5),
                async ct =>
                {
                    var outcome = await test.RunAsync(new TestInvocation(planned, client, server, new DiscardSink(), "raw/bench.json"), ct);
                    return outcome.Observations.FirstOrDefault(o => o.Metric == Metrics.ThroughputBps)?.Value ?? double.NaN;
                },
                ct => HandRunAsync(client, server, duration, ct),
                pair => console.MarkupLine($"  run {pair.Number}: harness {Quantities.FormatThroughput(pair.Harness)}, by hand {Quantities.FormatThroughput(pair.ByHand)}"),
                cancellationToken);
            var ratios = pairs.Select(p => p.Harness / p.ByHand).Where(double.IsFinite).ToList();
            if (ratios.Count == 0)
            {
                console.MarkupLine("[red]no run produced a figure on both sides[/]");
                return ExitCodes.MeasurementsFailed;
            }

            var median = Median(ratios);
            console.MarkupLine($"median harness/by-hand ratio: [bold]{median.ToString("0.000", CultureInfo.InvariantCulture)}[/] over {ratios.Count} pairs " +
                $"(harness median {Quantities.FormatThroughput(Median(pairs.Select(p => p.Harness)))}, by hand {Quantities.FormatThroughput(Median(pairs.Select(p => p.ByHand)))})");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>bench rr</c>: the rr test's p50 round trip and transactions/s on the underlay against sockperf run by hand between
    /// the same two namespaces (ABBA), and the harness's own CPU during its runs as a share of the host's.
    /// </summary>
    private static Command RrFidelity()
    {
        var runs = new Option<int>("--runs", "-n") { Description = "Runs of each kind, interleaved (1-20)", DefaultValueFactory = _ => 6 };
        var seconds = new Option<int>("--duration", "-d") { Description = "Measured seconds per run", DefaultValueFactory = _ => 3 };
        var warmupPairs = WarmupPairsOption();
        var command = new Command("rr", "Underlay rr (TCP, 14 B, 1 flow) measured by the harness vs sockperf run by hand between the same two namespaces, interleaved; prints the median ratios of p50 and transactions/s (target 0.95-1.05) and the harness's CPU share")
        {
            runs, seconds, warmupPairs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = CliConsole.Create(parse);
            if (!RequireRoot(console))
            {
                return ExitCodes.Environment;
            }

            var count = Math.Clamp(parse.GetValue(runs), 1, 20);
            var duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 1, 60));
            await using var cluster = await new LabProvider(new CniCatalog([])).CreateAsync(new ClusterRequest(Underlay.Name, new ClusterShape(2, 0, 1500)), null, cancellationToken);
            var client = cluster.Nodes[0].HostNetwork;
            var server = cluster.Nodes[1].HostNetwork;
            var test = new Workloads.Rr.RrDefinition().CreateRunner(TimeProvider.System);
            var latency = new Workloads.Rr.RrTestSpec { Protocols = [Workloads.Rr.RrTestSpec.Tcp], MessageSizesBytes = [14], Flows = [1], Percentiles = [50] };
            var variant = latency.Variants()[0];
            var spec = new TestSpec { Test = Workloads.Rr.RrTestSpec.Name, Duration = duration, Settings = latency };
            var planned = new PlannedMeasurement(new MeasurementKey(Underlay.Name, spec.Test, variant.Name, Topologies.CrossNode, 1), spec, variant);
            var sampler = new Workloads.Cpu.ProcStatCpuSampler(TimeProvider.System);
            var pairs = await InterleavedPairs.RunAsync(count, Math.Clamp(parse.GetValue(warmupPairs), 0, 5),
                async ct =>
                {
                    var before = sampler.Read();
                    var outcome = await test.RunAsync(new TestInvocation(planned, client, server, new DiscardSink(), "raw/bench.json"), ct);
                    var after = sampler.Read();
                    var busy = ((after.User - before.User) + (after.System - before.System) + (after.Softirq - before.Softirq)).TotalSeconds;
                    double Value(string metric) => outcome.Observations.FirstOrDefault(o => o.Metric == metric)?.Value ?? double.NaN;
                    return new RrFigures(Value(Metrics.LatencyP50Us), Value(Metrics.TransactionsPerSecond),
                        busy > 0 ? 100 * (after.Harness - before.Harness).TotalSeconds / busy : double.NaN);
                },
                ct => HandSockperfAsync(client, server, duration, ct),
                pair => console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"  run {pair.Number}: harness p50 {pair.Harness.P50:0.0} µs, {pair.Harness.Tps:0} trans/s; by hand p50 {pair.ByHand.P50:0.0} µs, {pair.ByHand.Tps:0} trans/s; harness CPU {pair.Harness.HarnessCpuShare:0.0}% of the host's busy time")),
                cancellationToken);
            var p50Ratios = pairs.Select(p => p.Harness.P50 / p.ByHand.P50).Where(double.IsFinite).ToList();
            var tpsRatios = pairs.Select(p => p.Harness.Tps / p.ByHand.Tps).Where(double.IsFinite).ToList();
            if (p50Ratios.Count == 0 || tpsRatios.Count == 0)
            {
                console.MarkupLine("[red]no run produced a figure on both sides[/]");
                return ExitCodes.MeasurementsFailed;
            }

            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"median harness/by-hand ratio over {p50Ratios.Count} pairs: p50 [bold]{Median(p50Ratios):0.000}[/] (min {p50Ratios.Min():0.000}, max {p50Ratios.Max():0.000}), transactions/s [bold]{Median(tpsRatios):0.000}[/] (min {tpsRatios.Min():0.000}, max {tpsRatios.Max():0.000})"));
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"harness p50 {Median(pairs.Select(p => p.Harness.P50)):0.0} µs, by hand {Median(pairs.Select(p => p.ByHand.P50)):0.0} µs; harness CPU median {Median(pairs.Select(p => p.Harness.HarnessCpuShare)):0.00}% of the host's busy CPU during its runs"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One rr run's figures; the harness's CPU share is NaN on the by-hand side, which has no harness to measure.</summary>
    private sealed record RrFigures(double P50, double Tps, double HarnessCpuShare);

    private static Option<int> WarmupPairsOption() => new("--warmup")
    {
        Description = "Pairs run first and not kept: the first run after the lab comes up meets a host still busy from building it (0-5)",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>What an engineer would type: a sockperf server, then a plain ping-pong client; its own printed p50 and rate.</summary>
    private static async Task<RrFigures> HandSockperfAsync(IWorkloadHost client, IWorkloadHost server, TimeSpan duration, CancellationToken cancellationToken)
    {
        const string port = "11311";
        await using var serverProcess = server.Runner.Start(new ProcessSpec("sockperf", ["server", "--tcp", "-i", server.Address.ToString(), "-p", port]));
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        var result = await client.Runner.RunAsync(
            new ProcessSpec("sockperf", ["ping-pong", "--tcp", "-i", server.Address.ToString(), "-p", port, "-m", "14", "-t", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "--full-rtt"])
            {
                Timeout = duration + TimeSpan.FromSeconds(20),
            },
            cancellationToken);
        var valid = System.Text.RegularExpressions.Regex.Match(result.StandardOutput, @"\[Valid Duration\] RunTime=(?<t>[0-9.]+) sec; SentMessages=\d+; ReceivedMessages=(?<rx>\d+)");
        var p50 = System.Text.RegularExpressions.Regex.Match(result.StandardOutput, @"percentile 50\.000 =\s*(?<v>[0-9.]+)");
        return valid.Success && p50.Success
            ? new RrFigures(double.Parse(p50.Groups["v"].Value, CultureInfo.InvariantCulture),
                double.Parse(valid.Groups["rx"].Value, CultureInfo.InvariantCulture) / double.Parse(valid.Groups["t"].Value, CultureInfo.InvariantCulture), double.NaN)
            : new RrFigures(double.NaN, double.NaN, double.NaN);
    }

    /// <summary>What an engineer would type: a daemonised one-off server, then a plain client.</summary>
    private static async Task<double> HandRunAsync(IWorkloadHost client, IWorkloadHost server, TimeSpan duration, CancellationToken cancellationToken)
    {
        const string port = "5211";
        await server.Runner.RunAsync(new ProcessSpec("iperf3", ["-s", "-1", "-D", "-p", port]) { Timeout = TimeSpan.FromSeconds(5) }, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        var result = await client.Runner.RunAsync(
            new ProcessSpec("iperf3", ["-c", server.Address.ToString(), "-p", port, "-J", "-O", "1", "-t", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)])
            {
                Timeout = duration + TimeSpan.FromSeconds(20),
            },
            cancellationToken);
        return Iperf3ResultParser.Parse(result.StandardOutput) is Iperf3TcpResult tcp ? tcp.ReceiverBitsPerSecond : double.NaN;
    }

    private static bool RequireRoot(IAnsiConsole console)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            console.MarkupLine("[red]error:[/] benchmarks build labs: run as root");
        }

        return Environment.IsPrivilegedProcess;
    }

    /// <summary>Root and a known CNI with a lab model, or the exit code that says which is missing.</summary>
    private static (CniManifest? Manifest, int ExitCode) PrepareLab(IAnsiConsole console, string cni) =>
        !RequireRoot(console) ? (null, ExitCodes.Environment)
        : FindManifest(console, cni) is { } manifest ? (manifest, ExitCodes.Ok)
        : (null, ExitCodes.BadInput);

    private static CniManifest? FindManifest(IAnsiConsole console, string cni)
    {
        var catalog = CniCatalog.Load(RepoPaths.ManifestsCni());
        if (!catalog.TryGet(cni, out var manifest))
        {
            console.MarkupLine($"[red]error:[/] unknown CNI '{Markup.Escape(cni)}'; known CNIs: {Markup.Escape(string.Join(", ", catalog.Names.Order()))}");
            return null;
        }

        if (manifest.Lab is null)
        {
            console.MarkupLine($"[red]error:[/] CNI '{Markup.Escape(cni)}' has no lab datapath model yet; lab benchmarks need one");
            return null;
        }

        return manifest;
    }

    private static double Median(IEnumerable<double> values) => SimpleQuantileEstimator.Instance.Quantile([.. values.Where(double.IsFinite)], 0.5);

    private static TimeSpan Median(IEnumerable<TimeSpan> values) => LabTimings.Median([.. values]);

    private static string Ms(TimeSpan value) => value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private sealed class DiscardSink : IMeasurementSink
    {
        public Task WriteAsync(IReadOnlyList<Measurement> rows, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string> WriteRawAsync(string relativePath, string content, CancellationToken cancellationToken) => Task.FromResult(relativePath);
    }
}
