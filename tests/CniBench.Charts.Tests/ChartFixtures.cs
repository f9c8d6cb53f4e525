using CniBench.Core.Measurements;
using CniBench.Results;

namespace CniBench.Charts.Tests;

/// <summary>A realistic summary: flannel and calico against the underlay, 2 variants × 2 topologies, n = 3.</summary>
internal static class ChartFixtures
{
    public static IReadOnlyList<SummaryRow> LabSummary()
    {
        var rows = new List<Measurement>();
        void Add(string cni, string variant, string topology, double gbps, double cpu)
        {
            for (var rep = 1; rep <= 3; rep++)
            {
                // ±3 % spread between repetitions, as a real run shows.
                var wobble = 1 + (rep - 2) * 0.03;
                rows.Add(Row(cni, variant, topology, rep, Metrics.ThroughputBps, gbps * 1e9 * wobble, Metrics.BitsPerSecond));
                rows.Add(Row(cni, variant, topology, rep, Metrics.HostCpuPercent, cpu * wobble, Metrics.Percent));
            }
        }

        Add(Underlay.Name, "streams-1", Topologies.CrossNode, 31.5, 48);
        Add(Underlay.Name, "streams-4", Topologies.CrossNode, 38.2, 92);
        Add("flannel", "streams-1", Topologies.SameNode, 29.8, 51);
        Add("flannel", "streams-1", Topologies.CrossNode, 11.2, 63);
        Add("flannel", "streams-4", Topologies.SameNode, 36.1, 94);
        Add("flannel", "streams-4", Topologies.CrossNode, 14.9, 97);
        Add("calico", "streams-1", Topologies.SameNode, 30.4, 50);
        Add("calico", "streams-1", Topologies.CrossNode, 27.6, 55);
        Add("calico", "streams-4", Topologies.SameNode, 37.0, 93);
        Add("calico", "streams-4", Topologies.CrossNode, 33.9, 95);

        // A CNI that never worked: it must appear in the summary but not as a zero bar.
        for (var rep = 1; rep <= 3; rep++)
        {
            rows.Add(Row("weave", "streams-1", Topologies.CrossNode, rep, Metrics.ThroughputBps, null, Metrics.BitsPerSecond, MeasurementStatus.Failed));
        }

        return SummaryBuilder.Build(rows);
    }

    /// <summary>Six CNIs, three variants, Mbit/s figures and uneven n: the crowded case a nightly run produces.</summary>
    public static IReadOnlyList<SummaryRow> ManyCnis()
    {
        string[] cnis = ["calico", "canal", "cilium", "flannel", "kube-router", "weave"];
        string[] variants = ["streams-1", "streams-4", "streams-8"];
        var rows = new List<Measurement>();
        for (var v = 0; v < variants.Length; v++)
        {
            for (var rep = 1; rep <= 3; rep++)
            {
                rows.Add(Row(Underlay.Name, variants[v], Topologies.CrossNode, rep, Metrics.ThroughputBps, (940 + (10 * v) + rep) * 1e6, Metrics.BitsPerSecond));
            }

            for (var c = 0; c < cnis.Length; c++)
            {
                foreach (var topology in Topologies.All)
                {
                    var reps = c == 2 ? 2 : 3;
                    for (var rep = 1; rep <= reps; rep++)
                    {
                        var mbps = (topology == Topologies.SameNode ? 930 : 700 + (40 * c)) + (5 * v) + (rep * 4);
                        rows.Add(Row(cnis[c], variants[v], topology, rep, Metrics.ThroughputBps, mbps * 1e6, Metrics.BitsPerSecond));
                    }
                }
            }
        }

        return SummaryBuilder.Build(rows);
    }

    private static Measurement Row(
        string cni, string variant, string topology, int rep, string metric, double? value, string unit,
        MeasurementStatus status = MeasurementStatus.Ok) => new()
        {
            RunId = "20261126T120000Z-ab12",
            Provider = "lab",
            Cni = cni,
            Test = "tcp",
            Variant = variant,
            Topology = topology,
            Repetition = rep,
            Metric = metric,
            Value = value,
            Unit = unit,
            Status = status,
            Reason = status == MeasurementStatus.Ok ? null : "iperf3 could not connect",
            Timestamp = new DateTimeOffset(2026, 11, 26, 12, 0, rep, TimeSpan.Zero),
        };
}
