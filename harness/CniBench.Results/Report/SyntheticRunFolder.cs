using System.Globalization;
using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>What a synthetic results folder contains.</summary>
public sealed record SyntheticRunSpec
{
    public IReadOnlyList<string> Cnis { get; init; } = ["flannel", "calico"];

    public int Repetitions { get; init; } = 3;

    /// <summary>TCP and UDP variants each (streams-1, streams-2, …).</summary>
    public int Variants { get; init; } = 1;

    public string Provider { get; init; } = "lab";

    /// <summary>Policy cases on every CNI; the last CNI fails the egress case, with its truth tables under netpol/.</summary>
    public bool Netpol { get; init; } = true;

    /// <summary>HTTP rows (requests_per_second, latency_p99_ms) on an ingress topology.</summary>
    public bool Http { get; init; }

    /// <summary>One failed and one unsupported measurement, with reasons.</summary>
    public bool Failures { get; init; } = true;

    /// <summary>A chart SVG and PNG under charts/.</summary>
    public bool Charts { get; init; } = true;

    /// <summary>run.json facts per cluster (e.g. <c>lab.datapath_fingerprint</c>, <c>implementation</c>), added to the defaults.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ClusterFacts { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();
}

/// <summary>
/// Writes a complete results folder from made-up but plausible figures, through the same writers a run uses:
/// the fixture of report tests and of the report benchmark.
/// </summary>
public static class SyntheticRunFolder
{
    public const string RunId = "20261126T120000Z-5e7a";

    /// <summary>The smallest valid PNG (1×1, transparent).</summary>
    private static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <returns>How many measurement rows were written.</returns>
    public static async Task<int> WriteAsync(string runDirectory, SyntheticRunSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        var rows = new List<Measurement>();
        var random = new Random(7);
        for (var rep = 1; rep <= spec.Repetitions; rep++)
        {
            foreach (var cni in (IEnumerable<string>)[Underlay.Name, .. spec.Cnis])
            {
                var factor = cni == Underlay.Name ? 1.0 : 0.7 + (0.3 * (spec.Cnis.ToList().IndexOf(cni) + 1) / spec.Cnis.Count);
                foreach (var test in new[] { "tcp", "udp" })
                {
                    for (var v = 1; v <= spec.Variants; v++)
                    {
                        foreach (var topology in cni == Underlay.Name ? [Topologies.CrossNode] : new[] { Topologies.SameNode, Topologies.CrossNode })
                        {
                            var key = new MeasurementKey(cni, test, $"streams-{v}", topology, rep);
                            var bps = (test == "tcp" ? 10e9 : 1e9) * factor * (0.97 + (0.06 * random.NextDouble()));
                            rows.Add(Row(spec, key, Metrics.ThroughputBps, bps, Metrics.BitsPerSecond, at));
                            rows.Add(Row(spec, key, Metrics.HostCpuPercent, 40 + (20 * random.NextDouble()), Metrics.Percent, at));
                            rows.Add(Row(spec, key, Metrics.DatapathCpuCoresPerGbps, 0.12 / factor, Metrics.Cores, at));
                            rows.Add(Row(spec, key, Metrics.Retransmits, random.Next(0, 5000), Metrics.Count, at));
                            rows.Add(topology == Topologies.CrossNode
                                ? Row(spec, key, Metrics.WirePlaintextSeen, cni.Contains("wireguard", StringComparison.Ordinal) ? 0 : 1, "bool", at)
                                : Row(spec, key, Metrics.WirePlaintextSeen, null, "", at) with
                                {
                                    Status = MeasurementStatus.Unsupported,
                                    Reason = "same-node traffic does not cross the underlay, so there is no wire to sample",
                                });
                            if (topology == Topologies.CrossNode)
                            {
                                rows.Add(Row(spec, key, Metrics.WireDataFramesSampled, 1500 + random.Next(0, 400), Metrics.Count, at));
                            }
                        }
                    }
                }

                if (rep == 1)
                {
                    var mtu = new MeasurementKey(cni, "mtu", "df-probe", Topologies.CrossNode, 1);
                    rows.Add(Row(spec, mtu, Metrics.PathMtuBytes, cni == Underlay.Name ? 1500 : 1450, "bytes", at));
                    rows.Add(Row(spec, mtu, Metrics.MtuMismatch, 0, "bool", at));
                }

                if (spec.Http)
                {
                    var http = new MeasurementKey(cni, "http", "keepalive", "ingress", rep);
                    rows.Add(Row(spec, http, Metrics.RequestsPerSecond, 20000 * factor, "req/s", at));
                    rows.Add(Row(spec, http, Metrics.LatencyP99Ms, 2 / factor, Metrics.Milliseconds, at));
                }
            }
        }

        if (spec.Failures && spec.Cnis.Count > 0)
        {
            var key = new MeasurementKey(spec.Cnis[0], "tcp", "streams-1", Topologies.CrossNode, spec.Repetitions + 1);
            rows.Add(Row(spec, key, Metrics.ThroughputBps, null, Metrics.BitsPerSecond, at) with
            {
                Status = MeasurementStatus.Failed,
                Reason = "iperf3 exited with 1: unable to connect to server - server busy",
            });
        }

        var sink = CsvMeasurementSink.Open(runDirectory);
        await using (sink.ConfigureAwait(false))
        {
            if (spec.Netpol)
            {
                await AddNetpolAsync(spec, sink, rows, at, cancellationToken);
            }

            await sink.WriteAsync(rows, cancellationToken);
        }

        await RunInfoStore.WriteAsync(runDirectory, Info(spec, at), cancellationToken);
        if (spec.Charts)
        {
            var charts = Directory.CreateDirectory(Path.Join(runDirectory, RunFolder.ChartsDirectory)).FullName;
            await File.WriteAllTextAsync(Path.Join(charts, "tcp-throughput.svg"), ChartSvg(spec.Cnis), cancellationToken);
            await File.WriteAllBytesAsync(Path.Join(charts, "tcp-throughput.png"), TinyPng, cancellationToken);
            await File.WriteAllTextAsync(Path.Join(charts, "udp-throughput.svg"), ChartSvg(spec.Cnis), cancellationToken);
        }

        return rows.Count;
    }

    private static async Task AddNetpolAsync(SyntheticRunSpec spec, CsvMeasurementSink sink, List<Measurement> rows, DateTimeOffset at, CancellationToken cancellationToken)
    {
        string[] cases = ["01-deny-all-ingress", "02-deny-all-egress"];
        foreach (var cni in spec.Cnis)
        {
            foreach (var name in cases)
            {
                var fails = cni == spec.Cnis[^1] && name.Contains("egress", StringComparison.Ordinal);
                var key = new MeasurementKey(cni, "netpol", name, Topologies.PodToPod, 1);
                string? raw = null;
                if (fails)
                {
                    raw = await sink.WriteRawAsync($"netpol/{cni}/{name}-r1.txt",
                        $"case {name} on {cni} (repetition 1): egress from x is denied\nFAIL: correct 6, wrong 2, probe errors 0, unsupported 0, not graded 1\n\n" +
                        "80/TCP expected (. allowed, X blocked)\n-\tx/a\tx/b\nx/a\tX\tX\nx/b\t.\t.\n" +
                        "80/TCP observed (. connected, X blocked, ~ differed between samples, ? unsupported, E probe error)\n-\tx/a\tx/b\nx/a\t.\t.\nx/b\t.\t.\n" +
                        "80/TCP diff (. match, X mismatch, - not graded)\n-\tx/a\tx/b\nx/a\t-\tX\nx/b\t.\t-\n",
                        cancellationToken);
                }

                rows.Add(Row(spec, key, Metrics.CasePass, fails ? 0 : 1, "bool", at) with { RawFile = raw });
                rows.Add(Row(spec, key, Metrics.CellsWrong, fails ? 2 : 0, Metrics.Count, at) with { RawFile = raw });
            }
        }
    }

    private static Measurement Row(SyntheticRunSpec spec, MeasurementKey key, string metric, double? value, string unit, DateTimeOffset at) => new()
    {
        RunId = RunId,
        Provider = spec.Provider,
        Cni = key.Cni,
        Test = key.Test,
        Variant = key.Variant,
        Topology = key.Topology,
        Repetition = key.Repetition,
        Metric = metric,
        Value = value,
        Unit = unit,
        Status = MeasurementStatus.Ok,
        Timestamp = at.AddSeconds(key.Repetition),
        RawFile = $"raw/{key.Cni}/{key.Test}-{key.Variant}-{key.Topology}-r{key.Repetition.ToString(CultureInfo.InvariantCulture)}.json",
    };

    private static RunInfo Info(SyntheticRunSpec spec, DateTimeOffset at) => new()
    {
        RunId = RunId,
        ScenarioName = "synthetic",
        ScenarioPath = "/tmp/scenarios/synthetic.yaml",
        ScenarioSha256 = new string('0', 64),
        Provider = spec.Provider,
        CommandLine = ["cnibench", "run", "synthetic.yaml"],
        CniBenchVersion = "0.0.0-synthetic",
        Host = new HostFacts { Hostname = "bench-host", KernelRelease = "6.18.0", Os = "Debian GNU/Linux 12 (bookworm)", CpuModel = "Test CPU", LogicalCores = 2, MemoryBytes = 4L << 30 },
        ToolVersions = new Dictionary<string, string> { ["iperf3"] = "iperf 3.12 (cJSON 1.7.15)" },
        Clusters = spec.Cnis.Prepend(Underlay.Name).ToDictionary(
            c => c,
            c => new ClusterInfo($"lab: model of {c}", new Dictionary<string, string>(
                [
                    KeyValuePair.Create("cni.upstream_version", "v1.0.0"),
                    KeyValuePair.Create("lab.underlay_mtu", "1500"),
                    .. spec.ClusterFacts.GetValueOrDefault(c) ?? new Dictionary<string, string>(),
                ]))),
        StartedAt = at,
        EndedAt = at.AddMinutes(5),
    };

    /// <summary>A small chart in the shape ScottPlot writes (XML declaration, clip paths with ids, text labels).</summary>
    private static string ChartSvg(IReadOnlyList<string> cnis)
    {
        var labels = string.Concat(cnis.Select((c, i) =>
            $"<text x=\"{(20 + (60 * i)).ToString(CultureInfo.InvariantCulture)}\" y=\"190\" font-size=\"10\">{System.Security.SecurityElement.Escape(c)}</text>"));
        return "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"400\" height=\"200\">" +
            "<rect fill=\"white\" width=\"400\" height=\"200\"/><clipPath id=\"cl_4\"><rect x=\"10\" y=\"10\" width=\"380\" height=\"170\"/></clipPath>" +
            "<g clip-path=\"url(#cl_4)\"><rect fill=\"#1F77B4\" x=\"20\" y=\"50\" width=\"40\" height=\"130\"/></g>" + labels + "</svg>\n";
    }
}
