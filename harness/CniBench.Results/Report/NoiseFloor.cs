using CniBench.Core.Clusters;
using CniBench.Core.Measurements;
using CniBench.Results.Compare;

namespace CniBench.Results.Report;

/// <summary>Two clusters of a run whose lab datapaths are identical apart from names (equal datapath fingerprints).</summary>
public sealed record AaPair(string First, string Second, string Fingerprint);

/// <summary>
/// Two sets of repetitions that measure the same thing, compared on one group a relative criterion rates: their gap is
/// noise. <see cref="Comparison"/> holds second / first, its 95 % Hodges–Lehmann interval and both n.
/// </summary>
/// <param name="Criteria">The matrix criteria rated on this group, e.g. "TCP throughput, Encrypted throughput".</param>
public sealed record NoiseGap(string Criteria, MatrixGroup Group, string First, string Second, RepetitionComparison Comparison)
{
    /// <summary>How far apart the two medians are, |second / first − 1|; null when a side has no median.</summary>
    public double? Gap => Comparison.Ratio is { } ratio ? Math.Abs(ratio - 1) : null;

    public string Unit => Group.Unit;
}

public enum NoiseControlKind
{
    /// <summary>Clusters that build the same datapath, measured as different clusters: the A/A control proper.</summary>
    AaPairs,

    /// <summary>No such pair: the underlay's first half of repetitions against its second half.</summary>
    UnderlayHalves,

    /// <summary>Neither: the run measured no noise control.</summary>
    None,
}

/// <param name="Notes">Why the control is what it is: why there is no pair, what stands in for it, why nothing does.</param>
public sealed record NoiseControl(NoiseControlKind Kind, IReadOnlyList<AaPair> Pairs, IReadOnlyList<NoiseGap> Gaps, IReadOnlyList<string> Notes);

/// <summary>
/// The run's empirical noise floor. The lab records each cluster's datapath fingerprint in run.json; clusters with equal
/// fingerprints build the same kernel path apart from names, so the gap between their repetitions, on every criterion the
/// matrix rates relatively, is what noise alone does to a figure in this run. A run without such a pair falls back to
/// the underlay's tcp throughput, its first half of repetitions against its second half.
/// </summary>
public static class NoiseFloor
{
    /// <summary>The fewest underlay repetitions that can be split into halves of at least 2 each.</summary>
    public const int MinimumUnderlayRepetitions = 4;

    public static NoiseControl Build(RunInfo? run, IReadOnlyList<Measurement> measurements, SummaryMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(matrix);
        var values = new RepetitionValues(measurements);
        var measured = measurements.Where(m => m.Status == MeasurementStatus.Ok).Select(m => m.Cni).ToHashSet(StringComparer.Ordinal);
        var fingerprinted = (run?.Clusters ?? new Dictionary<string, ClusterInfo>())
            .Where(c => c.Key != Underlay.Name && measured.Contains(c.Key))
            .Select(c => (Cni: c.Key, Fingerprint: c.Value.Facts.GetValueOrDefault(ClusterFactNames.DatapathFingerprint) ?? ""))
            .Where(c => c.Fingerprint.Length > 0)
            .ToList();
        var pairs = fingerprinted
            .GroupBy(c => c.Fingerprint, StringComparer.Ordinal)
            .SelectMany(g => g.SelectMany((a, i) => g.Skip(i + 1).Select(b => new AaPair(a.Cni, b.Cni, g.Key))))
            .ToList();
        if (pairs.Count > 0)
        {
            var gaps = pairs.SelectMany(p => PairGaps(p, matrix, values)).ToList();
            return new NoiseControl(NoiseControlKind.AaPairs, pairs, gaps,
                gaps.Count == 0 ? ["The run rated none of these pairs on a relative criterion (throughput, requests/s, CPU per Gbit/s), so it has no gap to show."] : []);
        }

        var why = fingerprinted.Count == 0
            ? $"run.json records no datapath fingerprint ({ClusterFactNames.DatapathFingerprint}) for a measured cluster: the run is not a lab run, or it predates the fingerprint, so no two clusters are known to build the same datapath."
            : $"No two measured clusters of this run build the same datapath in the lab: their datapath fingerprints ({ClusterFactNames.DatapathFingerprint} in run.json) all differ.";
        var tcp = matrix.Criteria.FirstOrDefault(c => c.Id == ReportCriteria.TcpThroughput)?.Group;
        var underlay = tcp is null ? [] : values.Of(Underlay.Name, tcp with { Topology = Topologies.CrossNode });
        if (tcp is not null && underlay.Count >= MinimumUnderlayRepetitions)
        {
            var half = underlay.Count / 2;
            var gap = Gap("TCP throughput", tcp with { Topology = Topologies.CrossNode },
                $"underlay, first {half} of {underlay.Count} repetitions", [.. underlay.Take(half)],
                $"underlay, last {underlay.Count - half}", [.. underlay.Skip(half)]);
            return new NoiseControl(NoiseControlKind.UnderlayHalves, [], [gap],
                [why, "Instead the underlay is measured against itself: the first half of its TCP throughput repetitions against the second half (repetitions run in turn over all clusters, so the halves are minutes apart)."]);
        }

        var nothing = tcp is null
            ? "No noise control was measured: the run has no TCP throughput whose underlay repetitions could be split into halves either."
            : $"No noise control was measured: the underlay has {underlay.Count} repetition{(underlay.Count == 1 ? "" : "s")} of TCP throughput ({tcp.Test} {tcp.Variant} cross-node), and halves need at least {MinimumUnderlayRepetitions}.";
        return new NoiseControl(NoiseControlKind.None, [], [],
            [why, nothing, $"A run gets one by measuring two clusters that build the same datapath (equal datapath fingerprints, e.g. canal and cilium) or by giving the underlay at least {MinimumUnderlayRepetitions} repetitions."]);
    }

    /// <summary>One line for under the summary matrix: the pair and its TCP gap, or why there is no control.</summary>
    public static string Headline(NoiseControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        var first = control.Gaps.Count > 0 ? control.Gaps[0] : null;
        return control.Kind switch
        {
            NoiseControlKind.AaPairs => $"Noise floor: {string.Join("; ", control.Pairs.Select(p => $"{p.First} and {p.Second}"))} build the same datapath in the lab"
                + (first is null ? "." : $"; {first.Second} measured {GapText(first)} against {first.First} on {first.Criteria.Split(',')[0]} ({first.Group}). See the noise floor section."),
            NoiseControlKind.UnderlayHalves => $"Noise floor: no two clusters build the same datapath; the underlay's two halves of repetitions measured {GapText(first!)} on TCP throughput. See the noise floor section.",
            _ => "Noise floor: this run measured no noise control (see the noise floor section for why).",
        };
    }

    /// <summary>The ratio second / first with its interval and both n, e.g. <c>93% [88–99%], n=5+5</c>.</summary>
    public static string GapText(NoiseGap gap)
    {
        ArgumentNullException.ThrowIfNull(gap);
        var c = gap.Comparison;
        return c.Ratio is not { } ratio
            ? $"no ratio, n={c.BaselineN}+{c.CandidateN}"
            : $"{SummaryMatrixBuilder.RatioWithInterval(ratio, c.RatioLow, c.RatioHigh, r => ReportFormat.Percent(100 * r))}, n={c.BaselineN}+{c.CandidateN}";
    }

    private static IEnumerable<NoiseGap> PairGaps(AaPair pair, SummaryMatrix matrix, RepetitionValues values)
    {
        if (matrix.Rows.FirstOrDefault(r => r.Cni == pair.First) is not { } first || matrix.Rows.FirstOrDefault(r => r.Cni == pair.Second) is not { } second)
        {
            return [];
        }

        return matrix.Criteria
            .Select((criterion, i) => (Criterion: criterion, Rated: first.Cells[i].Stats is not null && second.Cells[i].Stats is not null))
            .Where(c => c.Criterion.Group is not null && c.Rated)
            .GroupBy(c => c.Criterion.Group!)
            .Select(g => Gap(string.Join(", ", g.Select(c => c.Criterion.Title)), g.Key, pair.First, values.Of(pair.First, g.Key), pair.Second, values.Of(pair.Second, g.Key)));
    }

    private static NoiseGap Gap(string criteria, MatrixGroup group, string first, IReadOnlyList<double> firstValues, string second, IReadOnlyList<double> secondValues) =>
        new(criteria, group, first, second, RepetitionComparer.Compare(firstValues, secondValues, group.Direction, ComparisonOptions.Default));
}
