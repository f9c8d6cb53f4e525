using CniBench.Core.Measurements;
using System.Text;
using CniBench.Results.Compare;

namespace CniBench.Results.History;

/// <summary>One run's figures for one series: its ok values, median and the 95 % interval of the mean (as summary.csv).</summary>
public sealed record HistoryPoint(string RunId, DateTimeOffset StartedAt, IReadOnlyList<double> Values, double? Median, double? Ci95Low, double? Ci95High);

/// <summary>Where a series regressed: the first run that is slower than the runs before it and stays slower after.</summary>
public sealed record RegressionStart(int PointIndex, string RunId, DateTimeOffset StartedAt, RepetitionComparison Comparison);

/// <summary>A (cni, test, variant, topology, metric) over runs, oldest first.</summary>
public sealed record HistorySeries(SeriesKey Key, string Unit, MetricDirection Direction, IReadOnlyList<HistoryPoint> Points, RegressionStart? Regression)
{
    /// <summary>File name (without extension) of the series' chart: the key, made safe for any file system.</summary>
    public string ChartFileStem
    {
        get
        {
            var raw = string.Join("_", Key.Cni, Key.Test, Key.Variant, Key.Topology, Key.Metric);
            var safe = new StringBuilder(raw.Length);
            foreach (var ch in raw)
            {
                safe.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '-');
            }

            return safe.ToString();
        }
    }
}

/// <summary>Every series of a results root, and the run folders that could not be read.</summary>
public sealed record HistoryReport(IReadOnlyList<ComparedRun> Runs, IReadOnlyList<HistorySeries> Series, IReadOnlyList<string> Skipped, HistoryOptions Options)
{
    /// <summary>Series left out because <see cref="HistoryOptions.MaxSeries"/> was reached.</summary>
    public int SeriesOverLimit { get; init; }
}

/// <summary>Which series to chart and how a regression is told.</summary>
public sealed record HistoryOptions
{
    /// <summary>Metrics to chart; empty means the headline ones: throughput_bps and any p99 latency.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    /// <summary>How many earlier runs make the reference a run is compared with.</summary>
    public int Window { get; init; } = 3;

    /// <summary>Upper bound on series (and so charts), so a root with many CNIs and metrics stays cheap to render.</summary>
    public int MaxSeries { get; init; } = 200;

    public ComparisonOptions Compare { get; init; } = ComparisonOptions.Default;

    public bool Includes(string metric) => Metrics.Count == 0
        ? metric == CniBench.Core.Measurements.Metrics.ThroughputBps
            || (metric.Contains("latency", StringComparison.Ordinal) && metric.Contains("p99", StringComparison.Ordinal))
        : Metrics.Contains(metric, StringComparer.Ordinal);
}
