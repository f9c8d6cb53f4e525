using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;

namespace CniBench.Results.Compare;

/// <summary>How compare outputs spell values, ratios and cases; shared by the terminal, Markdown and JUnit.</summary>
public static class CompareFormat
{
    public static string Value(double? value, string unit) => value switch
    {
        null => "-",
        { } v when unit == Metrics.BitsPerSecond => Quantities.FormatThroughput(v),
        { } v => v.ToString("G4", CultureInfo.InvariantCulture) + (unit.Length > 0 ? " " + unit : ""),
    };

    /// <summary>The change as a signed percentage with the 95 % interval of the ratio, e.g. <c>-9.8% [-11.2%, -8.1%]</c>.</summary>
    public static string Change(RepetitionComparison r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Ratio is not { } ratio)
        {
            return "-";
        }

        var text = Percent(ratio);
        return r.RatioLow is { } low && r.RatioHigh is { } high ? $"{text} [{Percent(low)}, {Percent(high)}]" : text;
    }

    public static string Outcome(CaseOutcome outcome) => outcome switch
    {
        CaseOutcome.Pass => "pass",
        CaseOutcome.Fail => "fail",
        _ => "no result",
    };

    public static string Direction(MetricDirection direction) => direction switch
    {
        MetricDirection.HigherIsBetter => "higher is better",
        MetricDirection.LowerIsBetter => "lower is better",
        _ => "no direction",
    };

    public static string Summary(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        int Count(Verdict v) => report.Metrics.Count(m => m.Result.Verdict == v);
        var text = $"{report.Metrics.Count} metrics compared: {Count(Verdict.Slower)} slower, {Count(Verdict.Faster)} faster, " +
            $"{Count(Verdict.Same)} same, {Count(Verdict.Changed)} changed, {Count(Verdict.InsufficientData)} insufficient data";
        if (report.NetpolCases.Count > 0)
        {
            text += $"; {report.NetpolCases.Count} policy cases: {report.NetpolCases.Count(c => c.IsRegression)} newly failing, " +
                $"{report.NetpolCases.Count(c => c.IsFixed)} newly passing";
        }

        return text;
    }

    private static string Percent(double ratio) =>
        ((ratio - 1) * 100).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";
}
