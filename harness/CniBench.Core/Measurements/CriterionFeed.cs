namespace CniBench.Core.Measurements;

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
