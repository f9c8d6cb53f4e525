using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>Everything a report is made from, read from one run folder.</summary>
public sealed record ReportInput
{
    public required string RunDirectory { get; init; }

    /// <summary>run.json; null when the folder has none (a report of bare CSV still works).</summary>
    public RunInfo? Run { get; init; }

    public required IReadOnlyList<Measurement> Measurements { get; init; }

    /// <summary>What the metrics are, which rows feed each criterion, and which tests' variants are cases.</summary>
    public required MetricRegistry Metrics { get; init; }

    /// <summary>Statistics recomputed from <see cref="Measurements"/>, so the report can never disagree with the CSV.</summary>
    public required IReadOnlyList<SummaryRow> Summary { get; init; }

    /// <summary>Charts the run wrote to <c>charts/</c>, by name.</summary>
    public IReadOnlyList<ChartFile> Charts { get; init; } = [];

    /// <summary>Truth tables (the raw text under <c>netpol/</c>) of every policy case that failed, by (cni, case, repetition).</summary>
    public IReadOnlyList<NetpolCaseTables> FailedCaseTables { get; init; } = [];

    /// <summary>Test → the window its figures cover, read from the raw tool output (<see cref="MeasurementWindows"/>).</summary>
    public IReadOnlyDictionary<string, string> Windows { get; init; } = new Dictionary<string, string>();

    /// <summary>Case name → the policy directions it exercises, from the suite's <c># covers:</c> headers.</summary>
    public IReadOnlyDictionary<string, PolicyDirections> CaseDirections { get; init; } = new Dictionary<string, PolicyDirections>();
}

/// <summary>One chart: its stem (e.g. <c>tcp-throughput</c>) and the files present (paths relative to the run folder).</summary>
public sealed record ChartFile(string Stem, string? SvgPath, string? PngPath);

/// <summary>The raw expected/observed/diff tables of one failed case on one CNI.</summary>
public sealed record NetpolCaseTables(string Cni, string Case, int Repetition, string RelativePath, string Text);

[Flags]
public enum PolicyDirections
{
    None = 0,
    Ingress = 1,
    Egress = 2,
}
