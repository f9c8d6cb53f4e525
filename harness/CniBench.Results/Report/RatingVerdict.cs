using CniBench.Core.Measurements;
using CniBench.Results.Compare;

namespace CniBench.Results.Report;

/// <summary>
/// The statistics behind one rated cell: the ratio of the cluster's median to the reference's, its 95 % interval
/// (Hodges–Lehmann on pairwise ratios, the interval <c>compare</c> uses), the repetitions on each side, and whether the
/// rating rests on a significant difference. Null interval: too few repetitions for a 95 % interval to exist.
/// </summary>
public sealed record RatingStats(
    string Test, string Variant, string Topology, double Ratio, double? RatioLow, double? RatioHigh, int N, int ReferenceN, bool Significant);

/// <summary>
/// Rates a cluster against a reference so that it never says more than the repetitions know: a cluster is put in a
/// lower class only when the whole 95 % interval of its ratio lies beyond that class's threshold (significant and
/// larger than the threshold). Otherwise it shares the better class, and a median that alone would have rated lower
/// is marked "within noise". With 3 repetitions a side no 95 % interval exists, so nothing is rated down.
/// </summary>
public static class RatingVerdict
{
    /// <param name="best">The ratio (higher is better) or multiple (lower is better) that still rates best, e.g. 0.90 or 1.10.</param>
    /// <param name="acceptable">The same for acceptable, e.g. 0.70 or 1.30.</param>
    public static (Rating Rating, RatingStats Stats) Rate(
        IReadOnlyList<double> reference, IReadOnlyList<double> candidate, MetricDirection direction, double best, double acceptable, (string Test, string Variant, string Topology) group)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(candidate);
        var comparison = RepetitionComparer.Compare(reference, candidate, direction, ComparisonOptions.Default);
        var ratio = comparison.Ratio ?? double.NaN;
        var higher = direction != MetricDirection.LowerIsBetter;

        // The end of the interval nearest to "better": the cluster is worse than a threshold only if even that end is.
        var optimistic = higher ? comparison.RatioHigh : comparison.RatioLow;
        var pessimistic = higher ? comparison.RatioLow : comparison.RatioHigh;
        bool Beyond(double? end, double threshold) => end is { } e && (higher ? e < threshold : e > threshold);

        var rating = Beyond(optimistic, acceptable) ? Rating.Poor : Beyond(optimistic, best) ? Rating.Acceptable : Rating.Best;

        // A lower class is significant by construction; "best" is significant only when even the interval's worse end
        // clears the threshold, and otherwise the data simply cannot tell.
        var significant = rating != Rating.Best || (pessimistic is not null && !Beyond(pessimistic, best));
        return (rating, new RatingStats(group.Test, group.Variant, group.Topology, ratio, comparison.RatioLow, comparison.RatioHigh, candidate.Count, reference.Count, significant));
    }

    /// <summary>Whether the median alone would have rated the cluster lower than it is rated: the cell then says "within noise".</summary>
    public static bool WithinNoise(Rating rating, RatingStats stats, MetricDirection direction, double best, double acceptable)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var higher = direction != MetricDirection.LowerIsBetter;
        var byMedian = higher
            ? stats.Ratio < acceptable ? Rating.Poor : stats.Ratio < best ? Rating.Acceptable : Rating.Best
            : stats.Ratio > acceptable ? Rating.Poor : stats.Ratio > best ? Rating.Acceptable : Rating.Best;
        return byMedian < rating;
    }
}
