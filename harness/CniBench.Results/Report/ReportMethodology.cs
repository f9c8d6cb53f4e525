using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Results.Compare;

namespace CniBench.Results.Report;

/// <summary>
/// The report's methodology section: in plain words what each rated figure is, the window it covers, its n in this run,
/// which interval the report puts next to it, the noise floor, and why a cluster can beat the underlay.
/// </summary>
public static class ReportMethodology
{
    public const string SectionId = "methodology";

    /// <param name="matrix">The summary matrix: a figure's window is that of the test its criterion was rated on.</param>
    public static ReportSection Build(ReportInput input, SummaryMatrix matrix, NoiseControl noise)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(noise);
        string Window(string criterion) => WindowOf(input, matrix, criterion);
        var onLab = SummaryMatrixBuilder.IsLab(input.Run, input.Measurements);
        var minimum = RepetitionComparer.MinimumRepetitions(ComparisonOptions.Default.Alpha);
        const string RatioInterval = "matrix and % of underlay: 95% Hodges–Lehmann interval of the ratio; tables and charts: 95% CI of the mean";
        var figures = new Table(
            ["figure", "what it is", "window", "n in this run", "interval shown"],
            [
                ["TCP throughput (throughput_bps)",
                    "iperf3's receiver rate (end.sum_received: what arrived, not what was sent), summed over the streams; pod to pod, or node to node for the underlay",
                    Window(ReportCriteria.TcpThroughput), Repetitions(input, ReportCriteria.TcpThroughput, Metrics.ThroughputBps), RatioInterval],
                ["UDP throughput (throughput_bps)",
                    "iperf3's receiver rate at the offered bitrate (-b): what arrived of the offered load",
                    Window(ReportCriteria.UdpThroughput), Repetitions(input, ReportCriteria.UdpThroughput, Metrics.ThroughputBps), RatioInterval],
                ["UDP capacity (udp_capacity_bps; rated in place of UDP throughput when measured)",
                    "the receiver's rate at the highest offered rate whose loss stayed under the bound (default 1%), found by a bounded search",
                    "up to 7 probes of 1 s each, no warm-up; every probe's iperf3 JSON is kept",
                    Repetitions(input, ReportCriteria.UdpThroughput, Metrics.UdpCapacityBps), RatioInterval],
                ["CPU per Gbit/s (datapath_cpu_cores_per_gbps)",
                    "cores the datapath's own processes used per Gbit/s: iperf3's client and server CPU as iperf3 reports it (including the kernel's packet work done in their context) plus the datapath's daemons (wireguard-go) read from /proc; other load on the host does not enter. Rated on the paced tcp variant (one common offered rate) when the run has one; host_cpu_cores_per_gbps (host-wide, over iperf3's measured window) is kept beside it",
                    "tool CPU: iperf3's whole run; daemons: the measurement; throughput: the measured seconds",
                    Repetitions(input, ReportCriteria.CpuPerGbit, Metrics.DatapathCpuCoresPerGbps), RatioInterval],
                ["HTTP requests/s (requests_per_second)",
                    "wrk's completed requests per second over keep-alive connections to nginx in a pod",
                    Window(ReportCriteria.Http), Repetitions(input, ReportCriteria.Http, Metrics.RequestsPerSecond), RatioInterval],
                ["Encryption verified (wire_plaintext_seen)",
                    $"whether iperf3's \"0123456789\" payload is visible in up to 2,000 frames sampled on the underlay bridge during each cross-node measurement; verified only when every sample held ≥ {SummaryMatrixBuilder.VerifiedDataFramesFloor} data frames",
                    "during each cross-node tcp and udp measurement", Repetitions(input, ReportCriteria.EncryptionVerified, Metrics.WirePlaintextSeen),
                    "none: a yes/no outcome per sample, not an estimate"],
                ["Path MTU (path_mtu_bytes)",
                    "the largest ping that crosses pod to pod with DF set, by binary search (at most 16 pings), against the pod interface's MTU",
                    "one search", Repetitions(input, ReportCriteria.Mtu, Metrics.PathMtuBytes), "none: an exact outcome of a deterministic probe"],
                ["Policy ingress, egress (case_pass)",
                    "NetworkPolicy cases passed in every repetition, each probing every pod pair and port in blind rounds"
                        + (onLab ? "; on the lab enforced by the lab's nftables model of the CNI's documented policy support (\"lab model\"), not the CNI's agent: modelled from the CNI's documentation; run on a cluster to test the CNI itself" : ""),
                    "one probe round set per case and repetition", Repetitions(input, ReportCriteria.PolicyIngress, Metrics.CasePass), "none: a count of cases"],
            ],
            "methodology-figures");
        var items = new List<string>
        {
            "Repetitions: every repetition is a fresh tool server and client; repetitions are the outer loop and clusters the inner one, so drift on a shared host spreads over all clusters. n counts the ok repetitions of one cluster, test, variant and topology.",
            $"Intervals. A matrix cell compares the cluster's repetitions with the reference's: the ratio of medians with its 95% interval (Hodges–Lehmann on all pairwise ratios, at the ranks of the exact Mann–Whitney distribution). A cluster is rated lower only when the whole interval lies beyond the threshold. The interval needs at least {minimum} repetitions a side; with fewer the cell reads \"no 95% interval\" and nothing is rated down. The per-test tables and the chart whiskers show the 95% confidence interval of the mean (Student t, n ≥ 2), and the tables' % of underlay carries the matrix's Hodges–Lehmann interval.",
            "Noise floor: " + NoiseSentence(noise),
            $"More than 100% of the underlay. The underlay is iperf3 between two node namespaces through the lab's switch namespace: node 1's uplink veth pair, the switch's bridge and node 2's uplink veth pair. Same-node pod traffic never touches the underlay; its path (a pod veth pair, the node's bridge or routes, another pod veth pair) is about as long, so it lands near 100%, on either side. Cross-node pod traffic takes the underlay plus the CNI's devices, but nothing on the lab's veth pairs forces segmenting to the MTU: TCP data crosses veths, bridges and VXLAN or IP-in-IP tunnels as GSO packets of up to 64 KiB (a real NIC would segment them, and GRO merge them again at the receiver), so per-packet costs such as a tunnel header are paid per 64 KiB and the extra devices cost little. On this {Cores(input)}-core host the sender, the receiver and the softirq work share the cores, and where the scheduler puts them changes from one measurement to the next. So a cell above 100% is within noise unless its interval excludes 100%.",
            "Stand-ins. A WireGuard cluster whose lab ran userspace wireguard-go (the kernel has no WireGuard module) measures wireguard-go, not the CNI's kernel WireGuard: its cells say so and are rated only against clusters with the same implementation, the best of them being the reference (n/a when it is alone). Policy cells of a lab run say \"lab model\".",
            "Path MTU, policy cases and the wire check are outcomes of deterministic probes, not samples of a noisy figure: they carry n but no interval.",
        };
        return new ReportSection(SectionId, "Methodology",
        [
            new Paragraph("What each figure of this report is, the window it covers, how many repetitions it rests on (n per cluster, test, variant and topology) and which interval is shown next to it."),
            figures,
            new BulletList(items),
        ]);
    }

    private static string NoiseSentence(NoiseControl noise) => noise.Kind switch
    {
        NoiseControlKind.AaPairs => "clusters whose lab datapaths are identical apart from names (equal lab.datapath_fingerprint in run.json) were measured as different clusters; their gap on each rated figure is what noise alone does in this run, shown in the noise floor section. A gap between other clusters no larger than it is no evidence of a difference.",
        NoiseControlKind.UnderlayHalves => "no two clusters build the same datapath, so the underlay's first half of TCP repetitions is compared with its second half (noise floor section).",
        _ => "this run measured no noise control; the noise floor section says why.",
    };

    private const string NoWindow = "the scenario's duration and warm-up (no raw tool output in this folder to read them from)";

    /// <summary>
    /// The window, read from the raw tool output, of the test <paramref name="criterion"/> was rated on, else of the
    /// first test declared to feed it.
    /// </summary>
    private static string WindowOf(ReportInput input, SummaryMatrix matrix, string criterion)
    {
        var rated = matrix.Criteria.FirstOrDefault(c => c.Id == criterion)?.Group?.Test;
        var tests = input.Metrics.Feeding(criterion).Select(f => f.Test).Prepend(rated).OfType<string>();
        return tests.Select(input.Windows.GetValueOrDefault).OfType<string>().FirstOrDefault() ?? NoWindow;
    }

    /// <summary>The n of the groups of one figure, e.g. "3" or "3–5"; "not measured" when the run has none.</summary>
    /// <summary>n of the rows of <paramref name="metric"/> from the tests that feed <paramref name="criterion"/> with it (every variant).</summary>
    private static string Repetitions(ReportInput input, string criterion, string metric)
    {
        var feeds = input.Metrics.Feeding(criterion).Where(f => f.Metric == metric).ToList();
        var counts = input.Summary.Where(r => r.Metric == metric && feeds.Any(f => f.Test is null || f.Test == r.Test) && r.N > 0).Select(r => r.N).ToList();
        if (counts.Count == 0)
        {
            return "not measured";
        }

        var (low, high) = (counts.Min(), counts.Max());
        return low == high ? I(low) : $"{I(low)}–{I(high)}";
    }

    private static string Cores(ReportInput input) => input.Run?.Host.LogicalCores is > 0 and var cores ? I(cores) : "shared";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
