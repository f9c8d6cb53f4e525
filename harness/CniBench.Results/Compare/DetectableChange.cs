using System.Globalization;
using CniBench.Core.Measurements;

namespace CniBench.Results.Compare;

/// <summary>
/// The smallest change a comparison could have called, per metric. A change is called when it passes the threshold
/// and the ratio's 95% interval clears it, so roughly the threshold plus the interval's half-width: a run whose
/// repetitions scatter by ±12% cannot see a 10% drop, whatever the threshold says. The median over the metric's rows.
/// </summary>
public sealed record DetectableChange(string Metric, double Percent, int Rows)
{
    public static IReadOnlyList<DetectableChange> PerMetric(IEnumerable<MetricComparison> metrics, double threshold)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return
        [
            .. metrics
                .Where(m => m.Direction != MetricDirection.None)
                .Select(m => (m.Key.Metric, Half: HalfWidth(m.Result)))
                .Where(m => m.Half is not null)
                .GroupBy(m => m.Metric, StringComparer.Ordinal)
                .Select(g => new DetectableChange(g.Key, 100 * (threshold + Median([.. g.Select(m => m.Half!.Value)])), g.Count()))
                .OrderBy(d => d.Metric, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// What one run could detect against a later run with the same spread and no shift of its own: each series compared
    /// with itself. Run-to-run shifts on a shared host come on top, so a real comparison of two runs can do only worse.
    /// </summary>
    public static IReadOnlyList<DetectableChange> OfRun(IEnumerable<Measurement> measurements, ComparisonOptions options, MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        return PerMetric(
            RunComparer.Series(measurements, metrics)
                .Select(s => (s.Key, s.Value, Direction: metrics.DirectionOf(s.Key.Metric)))
                .Where(s => s.Direction != MetricDirection.None && s.Value.Values.Count > 0)
                .Select(s => new MetricComparison(s.Key, s.Value.Unit, s.Direction, RepetitionComparer.Compare(s.Value.Values, s.Value.Values, s.Direction, options))),
            options.Threshold);
    }

    public string Text => Percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>Half the 95% interval of the ratio, as a fraction of 1; null without an interval (too few repetitions).</summary>
    private static double? HalfWidth(RepetitionComparison result) =>
        result.RatioLow is { } low && result.RatioHigh is { } high ? (high - low) / 2 : null;

    private static double Median(List<double> values)
    {
        values.Sort();
        var middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }
}
