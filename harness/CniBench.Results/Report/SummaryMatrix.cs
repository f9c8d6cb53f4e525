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
/// fixed thresholds that the report prints next to the matrix.
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
    public const int MtuAcceptableDeficitBytes = 100;

    /// <summary>
    /// Data frames (≥ 512 bytes: the measured flow's segments, not ACKs or ARP) a wire sample must hold before "no
    /// plaintext" counts as verified: a capture that saw a handful of frames says nothing about the flow. A 1-second
    /// cross-node iperf3 run puts thousands on the wire; the sampler keeps up to 2,000 frames.
    /// </summary>
    public const int VerifiedDataFramesFloor = 100;

    private static readonly string[] TopologyPreference = [Topologies.CrossNode, Topologies.PodToService, "ingress", Topologies.PodToPod, Topologies.SameNode];
    private static readonly string[] EncryptionWords = ["wireguard", "ipsec", "encrypt", "encrypted", "encryption", "wg", "tls"];
    private static readonly string[] NoEncryptionValues = ["", "none", "false", "off", "no", "disabled"];

    /// <param name="measurements">The rows of measurements.csv: ratings compare repetitions, not just medians.</param>
    public static SummaryMatrix Build(
        IReadOnlyList<SummaryRow> summary, RunInfo? run, IReadOnlyDictionary<string, PolicyDirections> caseDirections, IReadOnlyList<Measurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(caseDirections);
        ArgumentNullException.ThrowIfNull(measurements);
        var values = new RepetitionValues(measurements);
        var cnis = summary.Select(r => r.Cni).Where(c => c != Underlay.Name).Distinct(StringComparer.Ordinal).ToList();
        var columns = new List<(Criterion Criterion, Dictionary<string, MatrixCell> Cells)>
        {
            Throughput(summary, values, "tcp", "TCP throughput"),
            Throughput(summary, values, "udp", "UDP throughput"),
            Http(summary, values),
            Encrypted(summary, values, run, cnis),
            Cpu(summary, values),
            Policy(summary, caseDirections, PolicyDirections.Ingress, MetricRegistry.Criteria.PolicyIngress, "Policy ingress"),
            Policy(summary, caseDirections, PolicyDirections.Egress, MetricRegistry.Criteria.PolicyEgress, "Policy egress"),
            EncryptionVerified(summary, run, cnis),
            Mtu(summary, run),
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

    /// <summary>The one metric the registry declares as feeding <paramref name="criterion"/>.</summary>
    private static string MetricOf(string criterion) => MetricRegistry.Feeding(criterion).Single();

    private static MatrixCell UnsupportedHere { get; } = new(Rating.NotApplicable, "unsupported here");

    private static (Criterion, Dictionary<string, MatrixCell>) Throughput(IReadOnlyList<SummaryRow> summary, RepetitionValues values, string test, string title)
    {
        var criterion = new Criterion(test == "tcp" ? MetricRegistry.Criteria.TcpThroughput : MetricRegistry.Criteria.UdpThroughput, title,
            $"median as % of the reference: best ≥ {ThroughputBestPercent:0}%, acceptable ≥ {ThroughputAcceptablePercent:0}%, poor below{SignificanceRule}");
        // UDP: capacity where the run searched it (a fixed offered rate measures the host's load, not the path).
        var metric = test == "udp" && summary.Any(r => r.Metric == Metrics.UdpCapacityBps && r.Median is > 0) ? Metrics.UdpCapacityBps : Metrics.ThroughputBps;
        return RelativeThroughput(summary, values, criterion, r => r.Test == test, metric, ThroughputBestPercent, ThroughputAcceptablePercent, _ => true);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Http(IReadOnlyList<SummaryRow> summary, RepetitionValues values)
    {
        var criterion = new Criterion(MetricRegistry.Criteria.Http, "HTTP requests/s",
            $"median requests/s as % of the reference: best ≥ {ThroughputBestPercent:0}%, acceptable ≥ {ThroughputAcceptablePercent:0}%, poor below{SignificanceRule}");
        return RelativeThroughput(summary, values, criterion, _ => true, MetricOf(MetricRegistry.Criteria.Http), ThroughputBestPercent, ThroughputAcceptablePercent, _ => true);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Encrypted(IReadOnlyList<SummaryRow> summary, RepetitionValues values, RunInfo? run, List<string> cnis)
    {
        var criterion = new Criterion(MetricRegistry.Criteria.EncryptedThroughput, "Encrypted throughput",
            $"TCP median of an encrypted variant as % of the reference: best ≥ {EncryptedBestPercent:0}%, acceptable ≥ {EncryptedAcceptablePercent:0}%, poor below; n/a for plaintext datapaths{SignificanceRule}");
        var (c, cells) = RelativeThroughput(summary, values, criterion, r => r.Test == "tcp", MetricOf(criterion.Id), EncryptedBestPercent, EncryptedAcceptablePercent, cni => IsEncrypted(cni, run));
        foreach (var cni in cnis.Where(cni => !IsEncrypted(cni, run)))
        {
            cells[cni] = new MatrixCell(Rating.NotApplicable, "not encrypted");
        }

        return (cells.Values.Any(v => v.Rating != Rating.NotApplicable) ? c : c with { Basis = "" }, cells);
    }

    /// <summary>Grades one group's repetitions against the underlay's (or, without one, the best CNI's), by <see cref="RatingVerdict"/>.</summary>
    private static (Criterion, Dictionary<string, MatrixCell>) RelativeThroughput(
        IReadOnlyList<SummaryRow> summary, RepetitionValues values, Criterion criterion, Func<SummaryRow, bool> test, string metric, double best, double acceptable, Func<string, bool> rated)
    {
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        if (PickGroup(summary, r => test(r) && r.Metric == metric) is not { } group)
        {
            return (criterion, cells);
        }

        var rows = Rows(summary, group);
        var candidates = rows.Where(r => r.Cni != Underlay.Name && rated(r.Cni)).ToList();
        var underlay = summary.FirstOrDefault(r => r.Cni == Underlay.Name && r.Test == group.Test && r.Variant == group.Variant
            && r.Metric == metric && r.Topology == Topologies.CrossNode && r.Median is > 0);
        var bestCni = rows.Where(r => r.Cni != Underlay.Name && r.Median is > 0).MaxBy(r => r.Median!.Value);
        var referenceRow = underlay ?? bestCni;
        if (referenceRow is null || candidates.Count == 0)
        {
            return (criterion, cells);
        }

        var reference = values.Of(referenceRow);
        var referenceText = (underlay is null ? "best CNI " : "underlay ") + ReportFormat.Value(referenceRow.Median, referenceRow.Unit) + $" (n={reference.Count})";
        foreach (var row in candidates)
        {
            var (rating, stats) = RatingVerdict.Rate(reference, values.Of(row), MetricDirection.HigherIsBetter, best / 100, acceptable / 100, (group.Test, group.Variant, group.Topology));
            var noise = RatingVerdict.WithinNoise(rating, stats, MetricDirection.HigherIsBetter, best / 100, acceptable / 100) ? ", within noise" : "";
            cells[row.Cni] = new MatrixCell(rating, $"{ReportFormat.Value(row.Median, row.Unit)} ({PercentWithInterval(stats)}, n={stats.N}{noise})") { Stats = stats };
        }

        return (criterion with { Basis = $"{group}; reference: {referenceText}" }, cells);
    }

    private static (Criterion, Dictionary<string, MatrixCell>) Cpu(IReadOnlyList<SummaryRow> summary, RepetitionValues values)
    {
        var criterion = new Criterion(MetricRegistry.Criteria.CpuPerGbit, "CPU per Gbit/s",
            string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"host cores busy per Gbit/s, as a multiple of the reference: best ≤ ×{CpuBestRatio:0.00}, acceptable ≤ ×{CpuAcceptableRatio:0.00}, poor above{SignificanceRule}"));
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        if (PickGroup(summary, r => r.Test == "tcp" && r.Metric == MetricOf(MetricRegistry.Criteria.CpuPerGbit)) is not { } group)
        {
            return (criterion, cells);
        }

        var rows = Rows(summary, group);
        var underlay = summary.FirstOrDefault(r => r.Cni == Underlay.Name && r.Test == group.Test && r.Variant == group.Variant
            && r.Metric == group.Metric && r.Topology == Topologies.CrossNode && r.Median is > 0);
        var cniRows = rows.Where(r => r.Cni != Underlay.Name && r.Median is > 0).ToList();
        if (cniRows.Count == 0)
        {
            return (criterion, cells);
        }

        var referenceRow = underlay ?? cniRows.MinBy(r => r.Median!.Value)!;
        var reference = values.Of(referenceRow);
        foreach (var row in cniRows)
        {
            var (rating, stats) = RatingVerdict.Rate(reference, values.Of(row), MetricDirection.LowerIsBetter, CpuBestRatio, CpuAcceptableRatio, (group.Test, group.Variant, group.Topology));
            var noise = RatingVerdict.WithinNoise(rating, stats, MetricDirection.LowerIsBetter, CpuBestRatio, CpuAcceptableRatio) ? ", within noise" : "";
            cells[row.Cni] = new MatrixCell(rating, $"{ReportFormat.Number(row.Median!.Value)} cores (×{Multiple(stats.Ratio)}{MultipleInterval(stats)}, n={stats.N}{noise})") { Stats = stats };
        }

        return (criterion with { Basis = $"{group}; reference: {(underlay is null ? "lowest CNI" : "underlay")} {ReportFormat.Number(referenceRow.Median!.Value)} cores per Gbit/s (n={reference.Count})" }, cells);
    }

    /// <summary>How every rated criterion turns repetitions into a class, for the report's rule line.</summary>
    private const string SignificanceRule =
        "; rated lower only when the whole 95% interval of the ratio (Hodges–Lehmann, Mann–Whitney ranks) lies beyond the threshold, else it shares the better class (\"within noise\" when the median alone would rate lower)";

    private static string PercentWithInterval(RatingStats stats) =>
        ReportFormat.Percent(100 * stats.Ratio) + (stats.RatioLow is { } low && stats.RatioHigh is { } high
            ? $" [{ReportFormat.Percent(100 * low)}–{ReportFormat.Percent(100 * high)}]"
            : " [no 95% interval]");

    private static string Multiple(double ratio) => ratio.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string MultipleInterval(RatingStats stats) =>
        stats.RatioLow is { } low && stats.RatioHigh is { } high ? $" [×{Multiple(low)}–×{Multiple(high)}]" : " [no 95% interval]";

    private static (Criterion, Dictionary<string, MatrixCell>) Policy(
        IReadOnlyList<SummaryRow> summary, IReadOnlyDictionary<string, PolicyDirections> directions, PolicyDirections direction, string id, string title)
    {
        var criterion = new Criterion(id, title,
            $"share of the {direction.ToString().ToLowerInvariant()} policy cases passed in every repetition: best 100%, acceptable ≥ {PolicyAcceptablePercent:0}%, poor below");
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        var cases = summary
            .Where(r => r.Metric == MetricOf(id) && r.N > 0
                && ReportInputLoader.DirectionsOf(r.Variant, directions).HasFlag(direction))
            .ToList();
        foreach (var byCni in cases.GroupBy(r => r.Cni, StringComparer.Ordinal))
        {
            var graded = byCni.Count();
            var passed = byCni.Count(r => r.Min >= 1);
            var percent = 100.0 * passed / graded;
            var rating = passed == graded ? Rating.Best : percent >= PolicyAcceptablePercent ? Rating.Acceptable : Rating.Poor;
            cells[byCni.Key] = new MatrixCell(rating, $"{passed}/{graded} cases");
        }

        return (cells.Count == 0 ? criterion : criterion with { Basis = CaseCount(cases.Select(c => c.Variant).Distinct(StringComparer.Ordinal).Count(), direction) }, cells);
    }

    private static string CaseCount(int count, PolicyDirections direction) =>
        $"{count} {direction.ToString().ToLowerInvariant()} case{(count == 1 ? "" : "s")}";

    private static (Criterion, Dictionary<string, MatrixCell>) EncryptionVerified(IReadOnlyList<SummaryRow> summary, RunInfo? run, List<string> cnis)
    {
        var criterion = new Criterion(MetricRegistry.Criteria.EncryptionVerified, "Encryption verified",
            $"iperf3's payload sampled on the underlay wire (wire_plaintext_seen) during cross-node runs of an encrypted variant: best when never seen in samples of at least {VerifiedDataFramesFloor} data frames each, poor when seen, inconclusive when a sample saw fewer; n/a for plaintext datapaths");
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        foreach (var cni in cnis)
        {
            if (!IsEncrypted(cni, run))
            {
                cells[cni] = new MatrixCell(Rating.NotApplicable, "not encrypted");
                continue;
            }

            var samples = summary.Where(r => r.Cni == cni && r.Metric == MetricOf(MetricRegistry.Criteria.EncryptionVerified) && r.N > 0).ToList();
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

    private static (Criterion, Dictionary<string, MatrixCell>) Mtu(IReadOnlyList<SummaryRow> summary, RunInfo? run)
    {
        var criterion = new Criterion(MetricRegistry.Criteria.Mtu, "Path MTU",
            $"largest packet that crosses pod to pod with DF set, against the underlay's: best when equal, acceptable up to {MtuAcceptableDeficitBytes} bytes less, poor beyond or when the path carries less than the pod interface claims (mtu_mismatch)");
        var cells = new Dictionary<string, MatrixCell>(StringComparer.Ordinal);
        var rows = summary.Where(r => r.Metric == MetricOf(MetricRegistry.Criteria.Mtu) && r.Median is not null).ToList();
        if (rows.Count == 0)
        {
            return (criterion, cells);
        }

        var underlayRow = rows.FirstOrDefault(r => r.Cni == Underlay.Name);
        double? factMtu = run?.Clusters.Values.SelectMany(c => c.Facts)
            .Where(f => f.Key == "lab.underlay_mtu" && double.TryParse(f.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(f => double.Parse(f.Value, System.Globalization.CultureInfo.InvariantCulture))
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
            var text = $"{ReportFormat.Number(value)} bytes" + (deficit > 0 ? $" (−{ReportFormat.Number(deficit)})" : "")
                + (mismatch.Contains(byCni.Key) ? ", below the pod MTU" : "");
            cells[byCni.Key] = new MatrixCell(rating, text);
        }

        var source = underlayRow is not null ? "underlay path MTU" : factMtu is not null ? "underlay MTU (run.json)" : "largest path MTU";
        return (criterion with { Basis = $"reference: {source} {ReportFormat.Number(reference)} bytes" }, cells);
    }

    private static GroupChoice? PickGroup(IReadOnlyList<SummaryRow> summary, Func<SummaryRow, bool> match)
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
        return new GroupChoice(best.Test, best.Variant, best.Topology, best.Metric);
    }

    private static int TopologyRank(string topology)
    {
        var index = Array.IndexOf(TopologyPreference, topology);
        return index < 0 ? TopologyPreference.Length : index;
    }

    private static List<SummaryRow> Rows(IReadOnlyList<SummaryRow> summary, GroupChoice group) =>
        [.. summary.Where(r => r.Test == group.Test && r.Variant == group.Variant && r.Topology == group.Topology && r.Metric == group.Metric && r.Median is not null)];

    private sealed record GroupChoice(string Test, string Variant, string Topology, string Metric)
    {
        public override string ToString() => $"{Test} {Variant} {Topology}";
    }

    /// <summary>The ok values of each (cni, test, variant, topology, metric), one per repetition.</summary>
    private sealed class RepetitionValues(IReadOnlyList<Measurement> measurements)
    {
        private readonly ILookup<(string, string, string, string, string), double> _values = measurements
            .Where(m => m.Status == MeasurementStatus.Ok && m.Value is not null)
            .ToLookup(m => (m.Cni, m.Test, m.Variant, m.Topology, m.Metric), m => m.Value!.Value);

        public IReadOnlyList<double> Of(SummaryRow row) => [.. _values[(row.Cni, row.Test, row.Variant, row.Topology, row.Metric)]];
    }
}
