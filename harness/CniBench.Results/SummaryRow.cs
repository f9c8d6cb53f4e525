namespace CniBench.Results;

/// <summary>
/// Statistics of one (cni, test, variant, topology, metric) group over its ok repetitions.
/// Statistics are null when there is nothing to compute them from (n = 0, or n &lt; 2 for spread and CI).
/// </summary>
public sealed record SummaryRow
{
    public required string Cni { get; init; }

    public required string Test { get; init; }

    public required string Variant { get; init; }

    public required string Topology { get; init; }

    public required string Metric { get; init; }

    public string Unit { get; init; } = "";

    /// <summary>Ok repetitions with a value.</summary>
    public int N { get; init; }

    public double? Median { get; init; }

    public double? Mean { get; init; }

    /// <summary>Sample standard deviation (n − 1).</summary>
    public double? Stdev { get; init; }

    /// <summary>95 % confidence interval of the mean (Student t, n − 1 degrees of freedom).</summary>
    public double? Ci95Low { get; init; }

    public double? Ci95High { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Median as a percentage of the underlay's cross-node median for the same test, variant and metric.</summary>
    public double? PctOfUnderlay { get; init; }

    public int Failed { get; init; }

    public int Unsupported { get; init; }

    public bool HasValues => N > 0;
}
