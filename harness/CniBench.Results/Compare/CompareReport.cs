using CniBench.Core.Measurements;
namespace CniBench.Results.Compare;

/// <summary>What a comparison matches rows on: everything but the repetition.</summary>
public sealed record SeriesKey(string Cni, string Test, string Variant, string Topology, string Metric)
{
    public override string ToString() => $"{Cni}/{Test}/{Variant}/{Topology}/{Metric}";
}

/// <summary>One metric of one (cni, test, variant, topology) in both runs.</summary>
public sealed record MetricComparison(SeriesKey Key, string Unit, MetricDirection Direction, RepetitionComparison Result)
{
    public bool IsRegression => Result.Verdict == Verdict.Slower;
}

/// <summary>Whether a network-policy case passed: every graded repetition passed.</summary>
public enum CaseOutcome
{
    Pass,
    Fail,

    /// <summary>No repetition of the case produced a grade (it failed to run, or is unsupported).</summary>
    NoResult,
}

/// <summary>One network-policy case on one CNI in both runs; passing before and failing now is a regression.</summary>
public sealed record NetpolCaseComparison(string Cni, string Case, CaseOutcome Baseline, CaseOutcome Candidate)
{
    public bool IsRegression => Baseline == CaseOutcome.Pass && Candidate == CaseOutcome.Fail;

    public bool IsFixed => Baseline == CaseOutcome.Fail && Candidate == CaseOutcome.Pass;

    /// <summary>The test whose variants the cases are, and the metric they pass on, as its kind declares them.</summary>
    public required (string Test, string Metric) Source { get; init; }
}

/// <summary>The identity of a compared run, from its run.json (or its folder name when run.json is missing).</summary>
public sealed record ComparedRun(string Directory, string RunId, string Scenario, string ScenarioSha256, string Provider, string Host, DateTimeOffset? StartedAt);

/// <summary>The whole comparison of a candidate run with a baseline run.</summary>
public sealed record CompareReport
{
    public required ComparedRun Baseline { get; init; }

    public required ComparedRun Candidate { get; init; }

    public required ComparisonOptions Options { get; init; }

    /// <summary>Repetitions per side below which every verdict is "insufficient data".</summary>
    public int MinimumRepetitions { get; init; }

    /// <summary>Differences between the runs' scenario, provider or host; shown at the top of every output.</summary>
    public IReadOnlyList<string> Mismatches { get; init; } = [];

    public IReadOnlyList<MetricComparison> Metrics { get; init; } = [];

    public IReadOnlyList<NetpolCaseComparison> NetpolCases { get; init; } = [];

    /// <summary>Series or netpol cases that only one run has; they are listed, not compared.</summary>
    public IReadOnlyList<string> OnlyInBaseline { get; init; } = [];

    public IReadOnlyList<string> OnlyInCandidate { get; init; } = [];

    public int Regressions => Metrics.Count(m => m.IsRegression) + NetpolCases.Count(c => c.IsRegression);

    public bool HasRegression => Regressions > 0;
}
