namespace CniBench.Core.Measurements;

/// <summary>
/// What one test kind declares about the figures it writes: the metrics only it writes, the report criteria its rows
/// feed (which may name a shared metric), and, for a kind whose variants are pass/fail cases, how they are graded.
/// </summary>
public sealed record MetricDeclarations(IReadOnlyList<MetricDefinition> Metrics)
{
    public IReadOnlyList<CriterionFeed> Criteria { get; init; } = [];

    /// <summary>Set by a kind whose variants are cases graded pass or fail, such as the policy cases.</summary>
    public CaseGrading? Cases { get; init; }

    /// <summary>
    /// False for a kind whose figures are outcomes of deterministic probes (policy cases, the path MTU): they get a
    /// table or a chart of their own, and bars of them, or of the host CPU around them, would be noise.
    /// </summary>
    public bool BarCharted { get; init; } = true;

    /// <summary>What the kind's bar charts call its measurements, e.g. "TCP throughput (iperf3)"; null: "&lt;test&gt; throughput".</summary>
    public string? ChartTitle { get; init; }

    /// <summary>
    /// The title of this kind's bar chart of a metric, by metric, where the generic one would not say what the metric
    /// measures here (crr's latencies are connect times, not round trips).
    /// </summary>
    public IReadOnlyDictionary<string, string> ChartTitles { get; init; } = new Dictionary<string, string>();

    public static MetricDeclarations None { get; } = new([]);
}

/// <summary>
/// How a kind's cases are graded. Compare pairs the cases by <paramref name="PassMetric"/> (1 pass, 0 fail) and leaves
/// the kind's other figures (per-case diagnostics) out of the metric comparison; the report's case table reads it too.
/// </summary>
/// <param name="ScoreVariant">
/// The variant written after a repetition's cases, from those same cases: a resumed run keeps a repetition's cases only
/// with it, and measures the others again.
/// </param>
public sealed record CaseGrading(string PassMetric, string ScoreVariant);
