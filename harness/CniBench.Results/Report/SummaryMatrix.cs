using System.Globalization;
using CniBench.Core.Clusters;
using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>How a CNI fares on one criterion, in the three grades of the classic published CNI comparisons.</summary>
public enum Rating
{
    /// <summary>The run did not measure it, or it does not apply (e.g. encryption on a plaintext datapath).</summary>
    NotApplicable,
    Poor,
    Acceptable,
    Best,
}

/// <param name="Id">Stable identifier (column id in the HTML).</param>
/// <param name="Title">Column heading.</param>
/// <param name="Rule">The thresholds, stated in the report.</param>
public sealed record Criterion(string Id, string Title, string Rule)
{
    /// <summary>What this run rated it on, e.g. "tcp 1-stream cross-node; reference: underlay 9.76 Gbit/s"; empty when not measured.</summary>
    public string Basis { get; init; } = "";

    /// <summary>The group of repetitions a relative criterion compared, and which way is better; null for the others.</summary>
    public MatrixGroup? Group { get; init; }
}

/// <summary>One group of the summary: the test, variant, topology and metric a relative criterion compares.</summary>
public sealed record MatrixGroup(string Test, string Variant, string Topology, string Metric, MetricDirection Direction)
{
    /// <summary>The metric's unit, as the measurements carry it.</summary>
    public string Unit { get; init; } = "";

    public override string ToString() => $"{Test} {Variant} {Topology}";
}

/// <param name="Text">The figure behind the rating, e.g. "9.13 Gbit/s (94%)".</param>
public sealed record MatrixCell(Rating Rating, string Text)
{
    /// <summary>For cells rated on repeated measurements: the ratio to the reference, its interval and n.</summary>
    public RatingStats? Stats { get; init; }
}

public sealed record MatrixRow(string Cni, IReadOnlyList<MatrixCell> Cells);

public sealed record SummaryMatrix(IReadOnlyList<Criterion> Criteria, IReadOnlyList<MatrixRow> Rows);

/// <summary>
/// Builds the CNI × criterion matrix. Each criterion picks one group of the summary (preferring cross-node and the
/// first variant measured), compares each CNI with a reference (the underlay where the run has it) and grades it by
/// fixed thresholds that the report prints next to the matrix. Which rows feed a criterion (which test, metric and
/// variants) is what the kinds declare in the metric registry.
/// </summary>
public static class SummaryMatrixBuilder
{
    public const double ThroughputBestPercent = 90;
    public const double ThroughputAcceptablePercent = 70;
    public const double EncryptedBestPercent = 70;
    public const double EncryptedAcceptablePercent = 40;
    public const double CpuBestRatio = 1.10;
    public const double CpuAcceptableRatio = 1.30;
    public const double PolicyAcceptablePercent = 80;
    public const double RrLatencyBestRatio = 1.25;
    public const double RrLatencyAcceptableRatio = 2.0;
    public const double CrrBestPercent = 80;
    public const double CrrAcceptablePercent = 50;
    public const int MtuAcceptableDeficitBytes = 100;

    /// <summary>
    /// Data frames (≥ 512 bytes: the measured flow's segments, not ACKs or ARP) a wire sample must hold before "no
    /// plaintext" counts as verified: a capture that saw a handful of frames says nothing about the flow. A 1-second
    /// cross-node iperf3 run puts thousands on the wire; the sampler keeps up to 2,000 frames.
    /// </summary>
    public const int VerifiedDataFramesFloor = 100;

    private static readonly string[] TopologyPreference = [Topologies.CrossNode, Topologies.PodToService, Topologies.Ingress, Topologies.PodToPod, Topologies.SameNode];
    private static readonly string[] EncryptionWords = ["wireguard", "ipsec", "encrypt", "encrypted", "encryption", "wg", "tls"];
    private static readonly string[] NoEncryptionValues = ["", "none", "false", "off", "no", "disabled"];

    /// <summary>What a cell of a userspace WireGuard cluster says in the encrypted-throughput column.</summary>
    public const string WireGuardGoNote = "userspace wireguard-go, not kernel WireGuard";

    /// <summary>The shorter form in the other relative columns; the legend under the matrix says the rest.</summary>
    public const string WireGuardGoShortNote = "userspace wireguard-go";

    /// <summary>What a policy cell of a lab run says: the lab's nftables model enforced it, not the CNI's agent.</summary>
    public const string LabModelNote = "lab model";

    /// <param name="measurements">The rows of measurements.csv: ratings compare repetitions, not just medians.</param>
    /// <param name="metrics">The registry whose criterion feeds say which rows each criterion rates.</param>
    public static SummaryMatrix Build(
        IReadOnlyList<SummaryRow> summary, RunInfo? run, IReadOnlyDictionary<string, PolicyDirections> caseDirections, IReadOnlyList<Measurement> measurements,
        MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(caseDirections);
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(metrics);
        var values = new RepetitionValues(measurements);
        var onLab = IsLab(run, measurements);
        var cnis = summary.Select(r => r.Cni).Where(c => c != Underlay.Name).Distinct(StringComparer.Ordinal).ToList();
        CriterionFeed? Feed(string criterion) => FeedOf(summary, metrics, criterion);
        var columns = new List<(Criterion Criterion, Dictionary<string, MatrixCell> Cells)>
        {
            Throughput(summary, values, run, Feed(ReportCriteria.TcpThroughput), ReportCriteria.TcpThroughput, "TCP throughput"),
            Throughput(summary, values, run, Feed(ReportCriteria.UdpThroughput), ReportCriteria.UdpThroughput, "UDP throughput"),
            Http(summary, values, run, Feed(ReportCriteria.Http)),
            Encrypted(summary, values, run, Feed(ReportCriteria.EncryptedThroughput), cnis),
            Cpu(summary, values, run, Feed(ReportCriteria.CpuPerGbit)),
            RrLatency(summary, values, run, Feed(ReportCriteria.RrLatency)),
            CrrRate(summary, values, run, Feed(ReportCriteria.CrrRate)),
            Policy(summary, caseDirections, PolicyDirections.Ingress, Feed(ReportCriteria.PolicyIngress), ReportCriteria.PolicyIngress, "Policy ingress", onLab),
            Policy(summary, caseDirections, PolicyDirections.Egress, Feed(ReportCriteria.PolicyEgress), ReportCriteria.PolicyEgress, "Policy egress", onLab),
            EncryptionVerified(summary, run, Feed(ReportCriteria.EncryptionVerified), cnis),
            Mtu(summary, run, Feed(ReportCriteria.Mtu)),
        };
        // A cluster this host could not build at all (no ESP for IPsec, no ipip) says so in every cell it has no figure
        // for, rather than a bare n/a; the reason is in the failed-and-unsupported section.
        var unsupported = cnis
            .Where(cni => summary.Where(r => r.Cni == cni).All(r => r.N == 0 && r.Unsupported > 0))
            .ToHashSet(StringComparer.Ordinal);
        var rows = cnis
            .Select(cni => new MatrixRow(cni, [.. columns.Select(c => c.Cells.GetValueOrDefault(cni) ?? (unsupported.Contains(cni) ? UnsupportedHere : NotMeasured))]))
            .ToList();
        return new SummaryMatrix([.. columns.Select(c => c.Criterion)], rows);
    }

    /// <summary>Whether the run's figures come from the lab provider (run.json's provider, else the measurements').</summary>
    public static bool IsLab(RunInfo? run, IReadOnlyList<Measurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        return string.Equals(run?.Provider ?? (measurements.Count > 0 ? measurements[0].Provider : null), "lab", StringComparison.Ordinal);
    }

    /// <summary>
    /// The implementation a cluster's figures measure when it stands in for the CNI's own datapath: wireguard-go (the
    /// lab's fallback on a kernel without the WireGuard module) for the kernel WireGuard every CNI uses. From the
    /// cluster's <c>implementation</c> fact in run.json; null when the cluster measures the real kind of datapath.
    /// </summary>
    public static string? StandInImplementation(string cni, RunInfo? run) =>
        run?.Clusters.GetValueOrDefault(cni)?.Facts.GetValueOrDefault(ClusterFactNames.Implementation) is { } implementation
            && implementation.StartsWith(ClusterFactNames.WireGuardGo, StringComparison.Ordinal)
            ? implementation
            : null;

    /// <summary>
    /// A CNI entry is encrypted when its cluster facts in run.json carry an <c>…encryption…</c> fact other than none,
    /// or when the variant part of its name (after <c>+</c>) names an encryption (wireguard, ipsec, …).
    /// </summary>
    public static bool IsEncrypted(string cni, RunInfo? run)
    {
        ArgumentNullException.ThrowIfNull(cni);
        if (run?.Clusters.GetValueOrDefault(cni) is { } cluster
            && cluster.Facts.Any(f => f.Key.Contains("encryption", StringComparison.OrdinalIgnoreCase)
                && !NoEncryptionValues.Contains(f.Value.Trim().ToLowerInvariant(), StringComparer.Ordinal)))
        {
            return true;
        }

        var plus = cni.IndexOf('+', StringComparison.Ordinal);
        if (plus < 0)
        {
            return false;
        }

        var words = cni[(plus + 1)..].ToLowerInvariant().Split(['-', '_', '+', '.'], StringSplitOptions.RemoveEmptyEntries);
        return words.Any(w => EncryptionWords.Contains(w, StringComparer.Ordinal));
    }

    private static MatrixCell NotMeasured { get; } = new(Rating.NotApplicable, "n/a");

    /// <summary>
    /// The rows a criterion is rated on: the first of its feeds the run measured (a positive median), else its last, the
    /// one that applies to every run (UDP's fixed-rate throughput where no capacity was searched, CPU at saturation
    /// where no tcp variant was paced). Null when no kind feeds it.
    /// </summary>
    private static CriterionFeed? FeedOf(IReadOnlyList<SummaryRow> summary, MetricRegistry metrics, string criterion)
    {
        var feeds = metrics.Feeding(criterion);
        return feeds.FirstOrDefault(f => summary.Any(r => r.Median is > 0 && Fed(f, r))) ?? (feeds.Count > 0 ? feeds[^1] : null);
    }

    private static bool Fed(CriterionFeed? feed, SummaryRow row) => feed is not null && feed.Matches(row.Test, row.Variant, row.Metric);

    private static MatrixCell UnsupportedHere { get; } = new(Rating.NotApplicable, "unsupported here");

    private static RelativeRule ShareRule(double best, double acceptable, string standInNote = WireGuardGoShortNote) =>
        new(MetricDirection.HigherIsBetter, best / 100, acceptable / 100, r => ReportFormat.Percent(100 * r), standInNote);

    private static (Criterion, Dictionary<string, MatrixCell>) Throughput(
        IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed, string id, string title)
    {
        var criterion = new Criterion(id, title,
            $"median as % of the reference: best ≥ {ThroughputBestPercent:0}%, acceptable ≥ {ThroughputAcceptablePercent:0}%, poor below{SignificanceRule}");
        return Relative(summary, values, run, criterion, feed, ShareRule(ThroughputBestPercent, ThroughputAcceptablePercent), _ => true);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Http(IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed)
    {
        var criterion = new Criterion(ReportCriteria.Http, "HTTP requests/s",
            $"median requests/s as % of the reference: best ≥ {ThroughputBestPercent:0}%, acceptable ≥ {ThroughputAcceptablePercent:0}%, poor below{SignificanceRule}");
        return Relative(summary, values, run, criterion, feed, ShareRule(ThroughputBestPercent, ThroughputAcceptablePercent), _ => true);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Encrypted(
        IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed, List<string> cnis)
    {
        var criterion = new Criterion(ReportCriteria.EncryptedThroughput, "Encrypted throughput",
            $"TCP median of an encrypted variant as % of the reference: best ≥ {EncryptedBestPercent:0}%, acceptable ≥ {EncryptedAcceptablePercent:0}%, poor below; n/a for plaintext datapaths{SignificanceRule}");
        var (c, cells) = Relative(summary, values, run, criterion, feed,
            ShareRule(EncryptedBestPercent, EncryptedAcceptablePercent, WireGuardGoNote), cni => IsEncrypted(cni, run));
        var measured = cells.Count > 0;
        foreach (var cni in cnis.Where(cni => !IsEncrypted(cni, run)))
        {
            cells[cni] = new MatrixCell(Rating.NotApplicable, "not encrypted");
        }

        return (measured ? c : c with { Basis = "", Group = null }, cells);
    }

    /// <summary>Rated at one common paced rate when the feed the run measured is limited to paced variants (the tcp kind declares it so).</summary>
    private static (Criterion, Dictionary<string, MatrixCell>) Cpu(IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed)
    {
        var paced = feed?.VariantPrefix is not null;
        var criterion = new Criterion(ReportCriteria.CpuPerGbit, "CPU per Gbit/s",
            string.Create(CultureInfo.InvariantCulture,
            $"cores the datapath's own processes used per Gbit/s (iperf3 client and server with the kernel work in their context, plus daemons such as wireguard-go){(paced ? " at one common paced rate" : " at saturation (no paced tcp variant in this run)")}, as a multiple of the reference: best ≤ ×{CpuBestRatio:0.00}, acceptable ≤ ×{CpuAcceptableRatio:0.00}, poor above{SignificanceRule}"));
        var rule = new RelativeRule(MetricDirection.LowerIsBetter, CpuBestRatio, CpuAcceptableRatio, r => "×" + Multiple(r), WireGuardGoShortNote);
        return Relative(summary, values, run, criterion, feed, rule, _ => true);
    }

    /// <summary>rr: the median round trip of the first rr variant, as a multiple of the reference's (lower is better).</summary>
    private static (Criterion, Dictionary<string, MatrixCell>) RrLatency(IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed)
    {
        var criterion = new Criterion(ReportCriteria.RrLatency, "Request/response latency",
            string.Create(CultureInfo.InvariantCulture,
            $"rr median round trip (p50) as a multiple of the reference's: best ≤ ×{RrLatencyBestRatio:0.00}, acceptable ≤ ×{RrLatencyAcceptableRatio:0.00}, poor above{SignificanceRule}"));
        var rule = new RelativeRule(MetricDirection.LowerIsBetter, RrLatencyBestRatio, RrLatencyAcceptableRatio, r => "×" + Multiple(r), WireGuardGoShortNote);
        return Relative(summary, values, run, criterion, feed, rule, _ => true);
    }

    /// <summary>crr: new connections per second of the first crr variant, as % of the reference's.</summary>
    private static (Criterion, Dictionary<string, MatrixCell>) CrrRate(IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, CriterionFeed? feed)
    {
        var criterion = new Criterion(ReportCriteria.CrrRate, "Connection rate",
            $"crr connections/s as % of the reference: best ≥ {CrrBestPercent:0}%, acceptable ≥ {CrrAcceptablePercent:0}%, poor below{SignificanceRule}");
        return Relative(summary, values, run, criterion, feed, ShareRule(CrrBestPercent, CrrAcceptablePercent), _ => true);
    }

    /// <param name="Ratio">How a ratio to the reference reads, e.g. <c>72%</c> or <c>×1.71</c>.</param>
    /// <param name="StandInNote">What a cell of a stand-in cluster adds, e.g. "userspace wireguard-go".</param>
    private sealed record RelativeRule(MetricDirection Direction, double Best, double Acceptable, Func<double, string> Ratio, string StandInNote);

    /// <summary>
    /// Grades one group's repetitions by <see cref="RatingVerdict"/> against a reference measured the same way: for
    /// clusters of the real kind of datapath the underlay (or, without one, the best of them); for clusters that measure
    /// a stand-in (wireguard-go) the best cluster of the same implementation, and none when it is the only one.
    /// </summary>
    private static (Criterion, Dictionary<string, MatrixCell>) Relative(
        IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, Criterion criterion, CriterionFeed? feed, RelativeRule rule, Func<string, bool> rated)
    {
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        if (PickGroup(summary, r => Fed(feed, r)) is not { } picked)
        {
            return (criterion, cells);
        }

        var group = picked with { Direction = rule.Direction };
        var higher = rule.Direction != MetricDirection.LowerIsBetter;
        var rows = Rows(summary, group).Where(r => r.Cni != Underlay.Name).ToList();
        var underlay = summary.FirstOrDefault(r => r.Cni == Underlay.Name && r.Test == group.Test && r.Variant == group.Variant
            && r.Metric == group.Metric && r.Topology == Topologies.CrossNode && r.Median is > 0);
        var bases = new List<string>();
        foreach (var alike in rows.GroupBy(r => StandInImplementation(r.Cni, run)).OrderBy(g => g.Key is not null))
        {
            var candidates = alike.Where(r => rated(r.Cni)).ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var standIn = alike.Key;
            var positive = alike.Where(r => r.Median is > 0).ToList();
            var bestRow = higher ? positive.MaxBy(r => r.Median!.Value) : positive.MinBy(r => r.Median!.Value);
            if ((standIn is null ? underlay ?? bestRow : bestRow) is not { } reference)
            {
                continue;
            }

            if (standIn is not null && alike.Count() == 1)
            {
                var alone = candidates[0];
                cells[alone.Cni] = new MatrixCell(Rating.NotApplicable,
                    $"{ReportFormat.Value(alone.Median, alone.Unit)}, not rated: the only cluster measured with {standIn} ({rule.StandInNote})");
                bases.Add($"{alone.Cni} not rated: the only cluster measured with {standIn}");
                continue;
            }

            var referenceValues = values.Of(reference);
            foreach (var row in candidates)
            {
                var (rating, stats) = RatingVerdict.Rate(referenceValues, values.Of(row), rule.Direction, rule.Best, rule.Acceptable, (group.Test, group.Variant, group.Topology));
                var noise = RatingVerdict.WithinNoise(rating, stats, rule.Direction, rule.Best, rule.Acceptable) ? ", within noise" : "";
                var (of, note) = standIn is null ? ("", "") : ($" of {reference.Cni}", "; " + rule.StandInNote);
                cells[row.Cni] = new MatrixCell(rating, $"{ReportFormat.Value(row.Median, row.Unit)} ({RatioWithInterval(stats, rule.Ratio)}{of}, n={stats.N}{noise}{note})") { Stats = stats };
            }

            var referenceText = $"{ReportFormat.Value(reference.Median, reference.Unit)} (n={referenceValues.Count})";
            bases.Add(standIn is not null ? $"{standIn} clusters (a stand-in): against the best of them, {reference.Cni} {referenceText}"
                : reference == underlay ? $"reference: underlay {referenceText}"
                : $"reference: {(higher ? "best" : "lowest")} CNI {referenceText}");
        }

        return bases.Count == 0 ? (criterion, cells) : (criterion with { Basis = $"{group}; {string.Join("; ", bases)}", Group = group }, cells);
    }

    /// <summary>How every rated criterion turns repetitions into a class, for the report's rule line.</summary>
    private const string SignificanceRule =
        "; rated lower only when the whole 95% interval of the ratio (Hodges–Lehmann, Mann–Whitney ranks) lies beyond the threshold, else it shares the better class (\"within noise\" when the median alone would rate lower)";

    /// <summary>A ratio and its 95 % interval, e.g. <c>72% [68–75%]</c>, or <c>72% [no 95% interval]</c> when none exists.</summary>
    internal static string RatioWithInterval(RatingStats stats, Func<double, string> ratio) =>
        RatioWithInterval(stats.Ratio, stats.RatioLow, stats.RatioHigh, ratio);

    internal static string RatioWithInterval(double value, double? low, double? high, Func<double, string> ratio) =>
        ratio(value) + (low is { } l && high is { } h ? $" [{ratio(l)}–{ratio(h)}]" : " [no 95% interval]");

    private static string Multiple(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture);

    private static (Criterion, Dictionary<string, MatrixCell>) Policy(
        IReadOnlyList<SummaryRow> summary, IReadOnlyDictionary<string, PolicyDirections> directions, PolicyDirections direction, CriterionFeed? feed, string id, string title, bool onLab)
    {
        var criterion = new Criterion(id, title,
            $"share of the {direction.ToString().ToLowerInvariant()} policy cases passed in every repetition: best 100%, acceptable ≥ {PolicyAcceptablePercent:0}%, poor below"
            + (onLab ? "; on the lab the enforcement is the lab's nftables model of what the CNI enforces (manifests/cni policy:), not the CNI's agent" : ""));
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        var cases = summary
            .Where(r => Fed(feed, r) && r.N > 0
                && ReportInputLoader.DirectionsOf(r.Variant, directions).HasFlag(direction))
            .ToList();
        foreach (var byCni in cases.GroupBy(r => r.Cni, StringComparer.Ordinal))
        {
            var graded = byCni.Count();
            var passed = byCni.Count(r => r.Min >= 1);
            var percent = 100.0 * passed / graded;
            var rating = passed == graded ? Rating.Best : percent >= PolicyAcceptablePercent ? Rating.Acceptable : Rating.Poor;
            var repetitions = byCni.Max(r => r.N);
            cells[byCni.Key] = new MatrixCell(rating, $"{passed}/{graded} cases (n={repetitions}{(onLab ? ", " + LabModelNote : "")})");
        }

        return (cells.Count == 0 ? criterion : criterion with { Basis = CaseCount(cases.Select(c => c.Variant).Distinct(StringComparer.Ordinal).Count(), direction) }, cells);
    }

    private static string CaseCount(int count, PolicyDirections direction) =>
        $"{count} {direction.ToString().ToLowerInvariant()} case{(count == 1 ? "" : "s")}";

    private static (Criterion, Dictionary<string, MatrixCell>) EncryptionVerified(IReadOnlyList<SummaryRow> summary, RunInfo? run, CriterionFeed? feed, List<string> cnis)
    {
        var criterion = new Criterion(ReportCriteria.EncryptionVerified, "Encryption verified",
            $"iperf3's payload sampled on the underlay wire (wire_plaintext_seen) during cross-node runs of an encrypted variant: best when never seen in samples of at least {VerifiedDataFramesFloor} data frames each, poor when seen, inconclusive when a sample saw fewer; n/a for plaintext datapaths");
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        foreach (var cni in cnis)
        {
            if (!IsEncrypted(cni, run))
            {
                cells[cni] = new MatrixCell(Rating.NotApplicable, "not encrypted");
                continue;
            }

            var samples = summary.Where(r => r.Cni == cni && Fed(feed, r) && r.N > 0).ToList();
            if (samples.Count == 0)
            {
                continue;
            }

            var n = samples.Sum(r => r.N);
            var fewest = summary.Where(r => r.Cni == cni && r.Metric == Metrics.WireDataFramesSampled && r.N > 0).Select(r => r.Min).Min();
            cells[cni] = samples.Any(r => r.Max > 0) ? new MatrixCell(Rating.Poor, "plaintext seen on the wire")
                : fewest is null ? new MatrixCell(Rating.NotApplicable, $"inconclusive: no data-frame count in {n} samples")
                : fewest < VerifiedDataFramesFloor ? new MatrixCell(Rating.NotApplicable, $"inconclusive: a sample saw {ReportFormat.Number(fewest.Value)} data frames (≥ {VerifiedDataFramesFloor} needed)")
                : new MatrixCell(Rating.Best, $"no plaintext in {n} samples of ≥ {VerifiedDataFramesFloor} data frames");
        }

        return (cells.Values.Any(c => c.Rating != Rating.NotApplicable) ? criterion with { Basis = "every cross-node measurement with a wire sample" } : criterion, cells);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Mtu(IReadOnlyList<SummaryRow> summary, RunInfo? run, CriterionFeed? feed)
    {
        var criterion = new Criterion(ReportCriteria.Mtu, "Path MTU",
            $"largest packet that crosses pod to pod with DF set, against the underlay's: best when equal, acceptable up to {MtuAcceptableDeficitBytes} bytes less, poor beyond or when the path carries less than the pod interface claims (mtu_mismatch)");
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        var rows = summary.Where(r => Fed(feed, r) && r.Median is not null).ToList();
        if (rows.Count == 0)
        {
            return (criterion, cells);
        }

        var underlayRow = rows.FirstOrDefault(r => r.Cni == Underlay.Name);
        double? factMtu = run?.Clusters.Values.SelectMany(c => c.Facts)
            .Where(f => f.Key == "lab.underlay_mtu" && double.TryParse(f.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .Select(f => double.Parse(f.Value, CultureInfo.InvariantCulture))
            .Cast<double?>()
            .FirstOrDefault();
        var reference = underlayRow?.Median ?? factMtu ?? rows.Max(r => r.Median!.Value);
        var mismatch = summary.Where(r => r.Metric == Metrics.MtuMismatch && r.Max > 0).Select(r => r.Cni).ToHashSet(StringComparer.Ordinal);
        foreach (var byCni in rows.Where(r => r.Cni != Underlay.Name).GroupBy(r => r.Cni, StringComparer.Ordinal))
        {
            var value = byCni.Min(r => r.Median!.Value);
            var deficit = reference - value;
            var rating = mismatch.Contains(byCni.Key) ? Rating.Poor
                : deficit <= 0 ? Rating.Best
                : deficit <= MtuAcceptableDeficitBytes ? Rating.Acceptable
                : Rating.Poor;
            var text = $"{ReportFormat.Number(value)} bytes ({(deficit > 0 ? $"−{ReportFormat.Number(deficit)}, " : "")}n={byCni.Sum(r => r.N)})"
                + (mismatch.Contains(byCni.Key) ? ", below the pod MTU" : "");
            cells[byCni.Key] = new MatrixCell(rating, text);
        }

        var source = underlayRow is not null ? "underlay path MTU" : factMtu is not null ? "underlay MTU (run.json)" : "largest path MTU";
        return (criterion with { Basis = $"reference: {source} {ReportFormat.Number(reference)} bytes" }, cells);
    }

    private static MatrixGroup? PickGroup(IReadOnlyList<SummaryRow> summary, Func<SummaryRow, bool> match)
    {
        var candidates = summary.Where(r => r.Cni != Underlay.Name && r.Median is not null && match(r)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var best = candidates
            .Select((r, index) => (Row: r, Index: index))
            .OrderBy(c => TopologyRank(c.Row.Topology))
            .ThenBy(c => c.Index)
            .First().Row;
        return new MatrixGroup(best.Test, best.Variant, best.Topology, best.Metric, MetricDirection.None) { Unit = best.Unit };
    }

    private static int TopologyRank(string topology)
    {
        var index = Array.IndexOf(TopologyPreference, topology);
        return index < 0 ? TopologyPreference.Length : index;
    }

    private static List<SummaryRow> Rows(IReadOnlyList<SummaryRow> summary, MatrixGroup group) =>
        [.. summary.Where(r => r.Test == group.Test && r.Variant == group.Variant && r.Topology == group.Topology && r.Metric == group.Metric && r.Median is not null)];
}
