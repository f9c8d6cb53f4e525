using System.Text;

namespace CniBench.Results.Compare;

/// <summary>Writes <c>compare.md</c>: mismatches first, then regressions, every metric, policy cases and what did not match.</summary>
public static class CompareMarkdown
{
    public const string FileName = "compare.md";

    public static string Render(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine($"# Compare: {Cell(report.Candidate.RunId)} against baseline {Cell(report.Baseline.RunId)}").AppendLine();
        if (report.Mismatches.Count > 0)
        {
            md.AppendLine("> **The runs do not match; only what both measured is compared.**");
            foreach (var mismatch in report.Mismatches)
            {
                md.AppendLine($"> - {Cell(mismatch)}");
            }

            md.AppendLine();
        }

        md.AppendLine($"- Baseline: `{report.Baseline.Directory}` (scenario {Cell(report.Baseline.Scenario)}, {Cell(report.Baseline.Provider)}, host {Cell(report.Baseline.Host)})");
        md.AppendLine($"- Candidate: `{report.Candidate.Directory}` (scenario {Cell(report.Candidate.Scenario)}, {Cell(report.Candidate.Provider)}, host {Cell(report.Candidate.Host)})");
        md.AppendLine($"- Verdicts: one-sided Mann–Whitney tests at alpha {report.Options.Alpha:0.###} against a minimum effect of {report.Options.ThresholdText}; " +
            $"fewer than {report.MinimumRepetitions} ok repetitions on a side is \"insufficient data\". Change is the ratio of medians, " +
            "with the 95% interval of the Hodges–Lehmann ratio.");
        md.AppendLine($"- {CompareFormat.Summary(report)}.").AppendLine();

        var regressions = report.Metrics.Where(m => m.IsRegression).ToList();
        md.AppendLine(report.HasRegression ? $"**{report.Regressions} regression(s).**" : "**No regression.**").AppendLine();
        if (regressions.Count > 0)
        {
            md.AppendLine("## Regressions").AppendLine();
            AppendMetricTable(md, regressions);
        }

        var detectable = DetectableChange.PerMetric(report.Metrics, report.Options.Threshold);
        if (detectable.Count > 0)
        {
            md.AppendLine("## Smallest detectable change").AppendLine();
            md.AppendLine("The smallest change these two runs could have called, per metric: the threshold plus half the 95% interval " +
                "of the ratio (the median over the metric's rows). A smaller regression can pass unseen; more repetitions or a quieter host narrow it.").AppendLine();
            md.AppendLine("| metric | smallest detectable change | rows |");
            md.AppendLine("|---|---:|---:|");
            foreach (var d in detectable)
            {
                md.AppendLine($"| {Cell(d.Metric)} | ±{d.Text} | {d.Rows} |");
            }

            md.AppendLine();
        }

        if (report.Metrics.Count > 0)
        {
            md.AppendLine("## All metrics").AppendLine();
            AppendMetricTable(md, report.Metrics);
        }

        if (report.NetpolCases.Count > 0)
        {
            md.AppendLine("## Network-policy cases").AppendLine();
            md.AppendLine("| cni | case | baseline | candidate | verdict |");
            md.AppendLine("|---|---|---|---|---|");
            foreach (var c in report.NetpolCases)
            {
                var verdict = c.IsRegression ? "**regression**" : c.IsFixed ? "fixed" : c.Baseline == c.Candidate ? "same" : "changed";
                md.AppendLine($"| {Cell(c.Cni)} | {Cell(c.Case)} | {CompareFormat.Outcome(c.Baseline)} | {CompareFormat.Outcome(c.Candidate)} | {verdict} |");
            }

            md.AppendLine();
        }

        AppendList(md, "Only in the baseline (not compared)", report.OnlyInBaseline);
        AppendList(md, "Only in the candidate (not compared)", report.OnlyInCandidate);
        return md.ToString();
    }

    public static async Task<string> WriteAsync(string directory, CompareReport report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Join(directory, FileName);
        await File.WriteAllTextAsync(path, Render(report), new UTF8Encoding(false), cancellationToken);
        return path;
    }

    private static void AppendMetricTable(StringBuilder md, IEnumerable<MetricComparison> rows)
    {
        md.AppendLine("| cni | test | variant | topology | metric | baseline median (n) | candidate median (n) | change [95% CI] | verdict |");
        md.AppendLine("|---|---|---|---|---|---:|---:|---:|---|");
        foreach (var m in rows)
        {
            var r = m.Result;
            var verdict = VerdictText.Of(r.Verdict);
            md.AppendLine($"| {Cell(m.Key.Cni)} | {Cell(m.Key.Test)} | {Cell(m.Key.Variant)} | {Cell(m.Key.Topology)} | {Cell(m.Key.Metric)} | " +
                $"{Cell(CompareFormat.Value(r.BaselineMedian, m.Unit))} ({r.BaselineN}) | {Cell(CompareFormat.Value(r.CandidateMedian, m.Unit))} ({r.CandidateN}) | " +
                $"{CompareFormat.Change(r)} | {(m.IsRegression ? $"**{verdict}**" : verdict)} |");
        }

        md.AppendLine();
    }

    private static void AppendList(StringBuilder md, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.AppendLine($"## {title}").AppendLine();
        foreach (var item in items)
        {
            md.AppendLine($"- {Cell(item)}");
        }

        md.AppendLine();
    }

    /// <summary>Input text inside a table cell: pipes and line breaks would break the table.</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
