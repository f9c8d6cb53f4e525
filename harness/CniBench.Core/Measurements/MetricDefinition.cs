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
