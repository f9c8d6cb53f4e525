using CniBench.Core.Kinds;

namespace CniBench.Core.Measurements;

/// <summary>
/// Every metric the tests write, each declared once: by the kind that writes it (its <see cref="ITestKindDefinition.Metrics"/>),
/// or with the shared metrics when several kinds or the harness itself write it (<see cref="SharedMetrics"/>). Compare,
/// history, charts and the summary matrix read directions, titles and criteria here; a metric that is not declared has
/// no direction (it can change but never regress). Nothing is inferred from how a name is spelt.
/// </summary>
public sealed class MetricRegistry
{
    private readonly MetricDefinition[] _all;
    private readonly Dictionary<string, MetricDefinition> _byName;
    private readonly CriterionFeed[] _feeds;
    private readonly Dictionary<string, CaseGrading> _cases;
    private readonly HashSet<string> _notBarCharted;
    private readonly Dictionary<string, MetricDeclarations> _kinds;

    /// <param name="shared">Metrics several kinds (or the harness) write, and the criteria any test's rows feed.</param>
    /// <param name="kinds">Each kind's declarations, by the test name a scenario uses.</param>
    /// <exception cref="ArgumentException">A metric is declared twice, or a criterion or case names an undeclared metric.</exception>
    public MetricRegistry(MetricDeclarations shared, IEnumerable<KeyValuePair<string, MetricDeclarations>> kinds)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(kinds);
        var declarers = new List<(string? Test, MetricDeclarations Declared)> { (null, shared) };
        declarers.AddRange(kinds.Select(k => ((string?)k.Key, k.Value)));

        var errors = declarers
            .SelectMany(d => d.Declared.Metrics.Select(m => (m.Name, By: d.Test ?? "the shared metrics")))
            .GroupBy(m => m.Name, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"metric {g.Key} is declared {g.Count()} times ({string.Join(", ", g.Select(m => m.By))})")
            .ToList();
        _all = [.. declarers.SelectMany(d => d.Declared.Metrics).DistinctBy(m => m.Name, StringComparer.Ordinal)];
        _byName = _all.ToDictionary(d => d.Name, StringComparer.Ordinal);
        _feeds = [.. declarers.SelectMany(d => d.Declared.Criteria.Select(f => d.Test is null ? f : f with { Test = d.Test }))];
        _cases = declarers
            .Where(d => d.Test is not null && d.Declared.Cases is not null)
            .ToDictionary(d => d.Test!, d => d.Declared.Cases!, StringComparer.Ordinal);
        _kinds = declarers.Where(d => d.Test is not null).ToDictionary(d => d.Test!, d => d.Declared, StringComparer.Ordinal);
        _notBarCharted = declarers.Where(d => d.Test is not null && !d.Declared.BarCharted).Select(d => d.Test!).ToHashSet(StringComparer.Ordinal);
        errors.AddRange(_feeds.Where(f => !_byName.ContainsKey(f.Metric))
            .Select(f => $"criterion {f.Criterion} of {f.Test ?? "the shared metrics"} names {f.Metric}, which no kind declares"));
        errors.AddRange(_cases.Where(c => !_byName.ContainsKey(c.Value.PassMetric))
            .Select(c => $"the cases of {c.Key} pass on {c.Value.PassMetric}, which no kind declares"));
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(kinds));
        }
    }

    /// <summary>The registry of the shared metrics and those of every kind in <paramref name="kinds"/>.</summary>
    public static MetricRegistry Of(IEnumerable<ITestKindDefinition> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return new MetricRegistry(SharedMetrics.Declarations, kinds.Select(k => KeyValuePair.Create(k.Name, k.Metrics)));
    }

    public IReadOnlyList<MetricDefinition> All => _all;

    /// <summary>The declaration of <paramref name="metric"/>, or null for a metric no test declares.</summary>
    public MetricDefinition? Find(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return _byName.GetValueOrDefault(metric);
    }

    /// <summary>Which way <paramref name="metric"/> gets better; <see cref="MetricDirection.None"/> when undeclared.</summary>
    public MetricDirection DirectionOf(string metric) => Find(metric)?.Direction ?? MetricDirection.None;

    /// <summary>The title a reader sees; the name itself for an undeclared metric.</summary>
    public string TitleOf(string metric) => Find(metric)?.Title ?? metric;

    /// <summary>What feeds a summary-matrix criterion, in the order it is preferred.</summary>
    public IReadOnlyList<CriterionFeed> Feeding(string criterion) =>
        [.. _feeds.Where(f => string.Equals(f.Criterion, criterion, StringComparison.Ordinal))];

    /// <summary>How the cases of <paramref name="test"/> are graded, or null when its variants are not cases.</summary>
    public CaseGrading? CasesOf(string test) => _cases.GetValueOrDefault(test);

    /// <summary>Whether the rows of <paramref name="test"/> belong in the bar charts (a test no kind declares does).</summary>
    public bool IsBarCharted(string test) => !_notBarCharted.Contains(test);

    /// <summary>What the bar charts call the measurements of <paramref name="test"/>, e.g. "TCP throughput (iperf3)".</summary>
    public string ChartTitleOf(string test) => _kinds.GetValueOrDefault(test)?.ChartTitle ?? $"{test} throughput";

    /// <summary>The title <paramref name="test"/>'s kind gives its bar chart of <paramref name="metric"/>; null for the generic one.</summary>
    public string? ChartTitleOf(string test, string metric) => _kinds.GetValueOrDefault(test)?.ChartTitles.GetValueOrDefault(metric);
}
