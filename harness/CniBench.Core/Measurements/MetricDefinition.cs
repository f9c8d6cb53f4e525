namespace CniBench.Core.Measurements;

/// <summary>Which way a metric gets better; a metric without a direction can change but never regress.</summary>
public enum MetricDirection
{
    None,
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>What a metric is, for every reader of results: its unit, which way is better, and the title a chart or table shows.</summary>
public sealed record MetricDefinition(string Name, string Unit, MetricDirection Direction, string Title);

/// <summary>
/// A summary-matrix criterion rated on one metric. Declared by a kind, it reads that kind's rows only (the registry sets
/// <see cref="Test"/>); declared with the shared metrics, any test's rows. A criterion with several feeds is rated on the
/// first one the run measured, in declaration order.
/// </summary>
/// <param name="Criterion">A <see cref="ReportCriteria"/> id.</param>
public sealed record CriterionFeed(string Criterion, string Metric)
{
    /// <summary>The test whose rows feed the criterion; null for any test's.</summary>
    public string? Test { get; init; }

    /// <summary>Only the variants whose name starts with this (e.g. the paced tcp variants); null for every variant.</summary>
    public string? VariantPrefix { get; init; }

    public bool Matches(string test, string variant, string metric) =>
        string.Equals(metric, Metric, StringComparison.Ordinal)
        && (Test is null || string.Equals(test, Test, StringComparison.Ordinal))
        && (VariantPrefix is null || variant.StartsWith(VariantPrefix, StringComparison.Ordinal));
}

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

/// <summary>Summary-matrix criteria ids (the columns of the report's summary matrix), each fed as its kinds declare.</summary>
public static class ReportCriteria
{
    public const string TcpThroughput = "tcp-throughput";
    public const string UdpThroughput = "udp-throughput";
    public const string Http = "http";
    public const string EncryptedThroughput = "encrypted-throughput";
    public const string CpuPerGbit = "cpu-per-gbit";
    public const string PolicyIngress = "policy-ingress";
    public const string PolicyEgress = "policy-egress";
    public const string EncryptionVerified = "encryption-verified";
    public const string Mtu = "mtu";
    public const string RrLatency = "rr-latency";
    public const string CrrRate = "crr-rate";
}
