using CniBench.Core.Measurements;
using CniBench.Results.Compare;

namespace CniBench.Results.History;

/// <summary>
/// Reads every run folder under a results root, oldest first by run.json start time, and builds one series per
/// (cni, test, variant, topology, metric) with the run where a regression started.
/// </summary>
public static class HistoryBuilder
{
    public const string DefaultDirectory = "history";

    public static async Task<HistoryReport> BuildAsync(string resultsRoot, HistoryOptions options, MetricRegistry metrics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        if (!Directory.Exists(resultsRoot))
        {
            throw new DirectoryNotFoundException($"{resultsRoot} does not exist");
        }

        var runs = new List<LoadedRun>();
        var skipped = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories(resultsRoot).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!File.Exists(Path.Join(directory, RunFolder.MeasurementsCsv)))
            {
                continue;
            }

            try
            {
                runs.Add(await LoadedRun.LoadAsync(directory, cancellationToken));
            }
            catch (Exception ex) when (ex is MeasurementCsvException or InvalidDataException or IOException)
            {
                // One damaged old run must not hide the trend of all the others; it is listed instead.
                skipped.Add(ex.Message);
            }
        }

        var ordered = runs
            .OrderBy(r => r.Identity.StartedAt ?? DateTimeOffset.MaxValue)
            .ThenBy(r => r.Identity.RunId, StringComparer.Ordinal)
            .ToList();
        var (series, overLimit) = Build(ordered, options, metrics);
        return new HistoryReport([.. ordered.Select(r => r.Identity)], series, skipped, options) { SeriesOverLimit = overLimit };
    }

    internal static (List<HistorySeries> Series, int OverLimit) Build(IReadOnlyList<LoadedRun> ordered, HistoryOptions options, MetricRegistry metrics)
    {
        var points = new Dictionary<SeriesKey, (string Unit, List<HistoryPoint> Points)>();
        var order = new List<SeriesKey>();
        foreach (var run in ordered)
        {
            var rows = run.Measurements.Where(m => options.Includes(m.Metric)).ToList();
            var groups = RunComparer.Series(rows, metrics);
            var summaries = SummaryBuilder.Build(rows)
                .ToDictionary(r => new SeriesKey(r.Cni, r.Test, r.Variant, r.Topology, r.Metric));
            foreach (var (key, group) in groups)
            {
                if (group.Values.Count == 0)
                {
                    continue;
                }

                if (!points.TryGetValue(key, out var entry))
                {
                    entry = (group.Unit, []);
                    points.Add(key, entry);
                    order.Add(key);
                }

                var summary = summaries[key];
                entry.Points.Add(new HistoryPoint(run.Identity.RunId, run.Identity.StartedAt ?? DateTimeOffset.MinValue,
                    group.Values, summary.Median, summary.Ci95Low, summary.Ci95High));
            }
        }

        var sorted = order
            .OrderBy(k => k.Cni, StringComparer.Ordinal).ThenBy(k => k.Test, StringComparer.Ordinal)
            .ThenBy(k => k.Variant, StringComparer.Ordinal).ThenBy(k => k.Topology, StringComparer.Ordinal)
            .ThenBy(k => k.Metric, StringComparer.Ordinal)
            .ToList();
        var kept = sorted.Take(options.MaxSeries)
            .Select(key => Analyse(key, points[key].Unit, points[key].Points, metrics.DirectionOf(key.Metric), options))
            .ToList();
        return (kept, sorted.Count - kept.Count);
    }

    public static HistorySeries Analyse(SeriesKey key, string unit, IReadOnlyList<HistoryPoint> points, MetricDirection direction, HistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        return new HistorySeries(key, unit, direction, points, FindRegressionStart(points, direction, options));
    }

    /// <summary>
    /// The first run slower than the pooled values of the <see cref="HistoryOptions.Window"/> runs before it, whose
    /// later runs are all slower than that same reference too (a run with too few repetitions neither confirms nor
    /// clears it). A dip that recovers is not flagged.
    /// </summary>
    public static RegressionStart? FindRegressionStart(IReadOnlyList<HistoryPoint> points, MetricDirection direction, HistoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        var window = Math.Max(1, options.Window);
        for (var i = 1; i < points.Count; i++)
        {
            var reference = points.Skip(Math.Max(0, i - window)).Take(i - Math.Max(0, i - window)).SelectMany(p => p.Values).ToList();
            var comparison = RepetitionComparer.Compare(reference, points[i].Values, direction, options.Compare);
            if (comparison.Verdict != Verdict.Slower)
            {
                continue;
            }

            var stays = points.Skip(i + 1).All(later =>
                RepetitionComparer.Compare(reference, later.Values, direction, options.Compare).Verdict is Verdict.Slower or Verdict.InsufficientData);
            if (stays)
            {
                return new RegressionStart(i, points[i].RunId, points[i].StartedAt, comparison);
            }
        }

        return null;
    }
}
