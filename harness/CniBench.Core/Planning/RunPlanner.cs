using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;

namespace CniBench.Core.Planning;

/// <summary>
/// Expands a scenario into the ordered list of tool runs. Repetitions are the outer loop and CNIs the
/// inner one, so every CNI is measured once before any is measured again: slow drift of a shared,
/// noisy host then spreads over all CNIs instead of biasing the one measured last.
/// </summary>
public static class RunPlanner
{
    public static RunPlan Create(ScenarioSpec scenario, string runId)
    {
        var clusters = new List<string>();
        if (scenario.Underlay)
        {
            clusters.Add(Underlay.Name);
        }

        clusters.AddRange(scenario.Cnis);

        var maxRepetitions = scenario.Tests.Max(t => t.Repetitions ?? scenario.Repetitions);
        var measurements = new List<PlannedMeasurement>();
        for (var repetition = 1; repetition <= maxRepetitions; repetition++)
        {
            foreach (var test in scenario.Tests.Where(t => repetition <= (t.Repetitions ?? scenario.Repetitions)))
            {
                foreach (var variant in Variants(test))
                {
                    foreach (var topology in test.Topologies)
                    {
                        // The underlay has no pods and no CNI: only node-to-node throughput means anything there.
                        foreach (var cluster in clusters.Where(c => c != Underlay.Name || (topology == Topologies.CrossNode && test.Test != "netpol")))
                        {
                            measurements.Add(new PlannedMeasurement(
                                new MeasurementKey(cluster, test.Test, variant.Name, topology, repetition), test, variant));
                        }
                    }
                }
            }
        }

        // A cluster nobody measures (the underlay of a policy-only scenario) is not brought up.
        return new RunPlan(runId, scenario, [.. clusters.Where(c => measurements.Exists(m => m.Key.Cni == c))], measurements);
    }

    /// <summary>The variant of the netpol test that turns a repetition's case results into one score per CNI.</summary>
    public const string NetpolScoreVariant = "score";

    /// <summary>The one variant of the mtu test: a don't-fragment ping search.</summary>
    public const string MtuVariant = "df-probe";

    public static IReadOnlyList<TestVariant> Variants(TestSpec test) => test.Test switch
    {
        "mtu" => [new TestVariant(MtuVariant, 1)],
        "http" => HttpVariants(test.Http ?? new HttpTestSpec()),
        "ingress" => IngressVariants(test.Ingress ?? new IngressTestSpec()),
        Latency.LatencyTestSpec.Rr or Latency.LatencyTestSpec.Crr => [.. (test.Latency ?? new Latency.LatencyTestSpec()).Variants(test.Test).Select(v => new TestVariant(v.Name, v.Flows) { Latency = v })],
        "netpol" => [.. (test.Netpol?.Cases ?? []).Append(NetpolScoreVariant).Select(c => new TestVariant(c, 1))],
        "udp" => WithPayload(test, [.. test.BitratesBps.SelectMany(bps => test.Streams.Select(streams => new TestVariant(
            streams == 1 ? Quantities.FormatBitrate(bps) : $"{Quantities.FormatBitrate(bps)}-{StreamsLabel(streams)}", streams, bps))),
            .. test.UdpCapacity is { } capacity
                ? test.Streams.Select(streams => new TestVariant(
                    streams == 1 ? UdpCapacitySpec.VariantName : $"{UdpCapacitySpec.VariantName}-{StreamsLabel(streams)}", streams) { UdpCapacity = capacity })
                : []]),
        _ => [.. test.Streams.Select(streams => new TestVariant(StreamsLabel(streams), streams))],
    };

    /// <summary>
    /// Payload × connection mode × load mode, e.g. <c>1KiB-keepalive-saturation</c>. Each saturation variant comes
    /// before its fixed-rate twin, so within a repetition the fixed-rate run finds the saturation figure it halves.
    /// </summary>
    private static List<TestVariant> HttpVariants(HttpTestSpec http) =>
    [
        .. from payload in http.PayloadsBytes
           from connection in http.ConnectionModes
           from mode in http.LoadModes.OrderBy(m => m == HttpTestSpec.Saturation ? 0 : 1)
           select new TestVariant($"{Quantities.FormatSize(payload)}-{connection}-{mode}", http.Connections)
           {
               Http = new HttpVariant(payload, connection, mode),
           },
    ];

    /// <summary>
    /// One variant per controller, named after it; <c>direct</c> (no controller, the generator's ceiling) first; with
    /// TLS, each controller's <c>-tls</c> variant after the plain ones.
    /// </summary>
    private static List<TestVariant> IngressVariants(IngressTestSpec ingress) =>
    [
        .. (ingress.IncludeDirect ? [IngressTestSpec.Direct] : Array.Empty<string>())
            .Concat(ingress.Controllers)
            .Concat(ingress.Tls ? ingress.Controllers.Select(c => c + IngressTestSpec.TlsSuffix) : [])
            .Select(name => new TestVariant(name, ingress.Connections)),
    ];

    /// <summary>A udp test with its own datagram payload names it in every variant (<c>capacity-64B</c>), so it never mixes with full-size runs.</summary>
    private static List<TestVariant> WithPayload(TestSpec test, List<TestVariant> variants) =>
        test.UdpPayloadBytes is { } payload ? [.. variants.Select(v => v with { Name = $"{v.Name}-{Quantities.FormatSize(payload)}" })] : variants;

    private static string StreamsLabel(int streams) =>
        streams.ToString(CultureInfo.InvariantCulture) + (streams == 1 ? "-stream" : "-streams");
}
