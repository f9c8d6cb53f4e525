using CniBench.Core.Measurements;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.QuantileEstimators;
using Perfolizer.Mathematics.SignificanceTesting;
using Perfolizer.Mathematics.SignificanceTesting.MannWhitney;
using Perfolizer.Metrology;
using Pragmastat;
using Pragmastat.Algorithms;

namespace CniBench.Results.Compare;

/// <summary>The statistics of one comparison: verdict, ratio of medians (candidate / baseline) and its 95 % interval.</summary>
public sealed record RepetitionComparison
{
    public required Verdict Verdict { get; init; }

    public int BaselineN { get; init; }

    public int CandidateN { get; init; }

    public double? BaselineMedian { get; init; }

    public double? CandidateMedian { get; init; }

    /// <summary>Candidate median / baseline median; null when the baseline median is 0 or a side is empty.</summary>
    public double? Ratio { get; init; }

    /// <summary>Distribution-free 95 % interval of the candidate/baseline ratio (Hodges–Lehmann, on pairwise ratios).</summary>
    public double? RatioLow { get; init; }

    public double? RatioHigh { get; init; }
}

/// <summary>
/// Compares two sets of repetitions: a one-sided Mann–Whitney test each way against a relative threshold
/// (Perfolizer's <see cref="SimpleEquivalenceTest"/>), and a verdict only when the ratio of medians also
/// moved by at least the threshold.
/// </summary>
public static class RepetitionComparer
{
    private const int LargestConsidered = 50;
    private static readonly SimpleEquivalenceTest Test = new(MannWhitneyTest.Instance);

    /// <summary>
    /// The fewest repetitions per side with which the test can ever be significant at <paramref name="alpha"/>:
    /// the smallest one-sided p-value of Mann–Whitney with n per side is P(U = 0) = 1 / C(2n, n), which is
    /// 1/20 = 0.05 for n = 3 (not below 0.05) and 1/70 ≈ 0.014 for n = 4. So 4 at the default alpha.
    /// </summary>
    public static int MinimumRepetitions(double alpha)
    {
        for (var n = 2; n <= LargestConsidered; n++)
        {
            // Perfolizer's exact CDF is P(U < u); u = 1 gives P(U = 0).
            if (MannWhitneyClassicExactCdf.Instance.Cdf(n, n, 1) < alpha)
            {
                return n;
            }
        }

        return LargestConsidered;
    }

    public static RepetitionComparison Compare(
        IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, MetricDirection direction, ComparisonOptions options)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(options);
        var baseMedian = Median(baseline);
        var candidateMedian = Median(candidate);
        double? ratio = baseMedian is > 0 && candidateMedian is { } c ? c / baseMedian.Value : null;
        var (low, high) = RatioInterval(baseline, candidate, options.Alpha);
        var result = new RepetitionComparison
        {
            Verdict = Verdict.InsufficientData,
            BaselineN = baseline.Count,
            CandidateN = candidate.Count,
            BaselineMedian = baseMedian,
            CandidateMedian = candidateMedian,
            Ratio = ratio,
            RatioLow = low,
            RatioHigh = high,
        };

        var minimum = MinimumRepetitions(options.Alpha);
        if (baseline.Count < minimum || candidate.Count < minimum)
        {
            return result;
        }

        var moved = Test.Perform(
            new Sample([.. candidate]), new Sample([.. baseline]), ThresholdOf(options), new SignificanceLevel(options.Alpha));
        if (ratio is { } r && Math.Abs(r - 1) < options.Threshold)
        {
            // Significant but smaller than the minimum effect: not worth a verdict.
            moved = ComparisonResult.Indistinguishable;
        }

        return result with { Verdict = ToVerdict(moved, direction) };
    }

    private static Verdict ToVerdict(ComparisonResult moved, MetricDirection direction) => (moved, direction) switch
    {
        (ComparisonResult.Greater or ComparisonResult.Lesser, MetricDirection.None) => Verdict.Changed,
        (ComparisonResult.Greater, MetricDirection.HigherIsBetter) => Verdict.Faster,
        (ComparisonResult.Greater, MetricDirection.LowerIsBetter) => Verdict.Slower,
        (ComparisonResult.Lesser, MetricDirection.HigherIsBetter) => Verdict.Slower,
        (ComparisonResult.Lesser, MetricDirection.LowerIsBetter) => Verdict.Faster,
        _ => Verdict.Same,
    };

    private static Threshold ThresholdOf(ComparisonOptions options) =>
        new(PercentValue.Of(options.Threshold * 100).ToMeasurement());

    private static double? Median(IReadOnlyList<double> values) =>
        values.Count == 0 ? null : SimpleQuantileEstimator.Instance.Quantile([.. values], 0.5);

    /// <summary>
    /// The interval of the Hodges–Lehmann ratio: order statistics of all pairwise log-ratios at the ranks where the
    /// exact Mann–Whitney distribution leaves alpha/2 on each side (Bauer 1972). None when the samples are too small
    /// for such ranks to exist or a value is not positive (a ratio needs positive values).
    /// </summary>
    private static (double? Low, double? High) RatioInterval(IReadOnlyList<double> baseline, IReadOnlyList<double> candidate, double alpha)
    {
        if (baseline.Count == 0 || candidate.Count == 0 || baseline.Any(v => v <= 0) || candidate.Any(v => v <= 0))
        {
            return (null, null);
        }

        int n = candidate.Count, m = baseline.Count;
        long total = (long)n * m;
        var critical = CriticalU(n, m, alpha / 2);
        if (critical < 0 || total == 1)
        {
            return (null, null);
        }

        var lowRank = critical + 1;
        var highRank = total - critical;
        double[] levels = [(lowRank - 1.0) / (total - 1), (highRank - 1.0) / (total - 1)];
        var logRatios = FastShift.Estimate([.. candidate.Select(v => Math.Log(v))], [.. baseline.Select(v => Math.Log(v))], levels);
        return (Math.Exp(logRatios[0]), Math.Exp(logRatios[1]));
    }

    /// <summary>The largest u with P(U ≤ u) ≤ <paramref name="tail"/>, or -1 when even P(U = 0) is larger.</summary>
    private static long CriticalU(int n, int m, double tail)
    {
        // The exact distribution costs O(n·m·u); large samples use Perfolizer's Edgeworth approximation.
        IMannWhitneyCdf cdf = n + m <= 60 ? MannWhitneyClassicExactCdf.Instance : MannWhitneyEdgeworthApproxCdf.Instance;
        long lo = -1, hi = (long)n * m / 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (cdf.Cdf(n, m, (int)(mid + 1)) <= tail)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }
}
