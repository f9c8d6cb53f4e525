using System.Text;
using CniBench.Results.Compare;

namespace CniBench.Results.History;

/// <summary>Writes <c>history.md</c>: flagged regressions first, then every series with its chart.</summary>
public static class HistoryMarkdown
{
    public const string FileName = "history.md";

    public static string Render(HistoryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.AppendLine("# History").AppendLine();
        var first = report.Runs.Count > 0 ? report.Runs[0].RunId : "-";
        var last = report.Runs.Count > 0 ? report.Runs[^1].RunId : "-";
        md.AppendLine($"{report.Runs.Count} runs, {first} to {last}; {report.Series.Count} series. A run is flagged where a series became " +
            $"slower than the {report.Options.Window} runs before it (Mann–Whitney, alpha {report.Options.Compare.Alpha:0.###}, minimum effect " +
            $"{report.Options.Compare.ThresholdText}, at least {RepetitionComparer.MinimumRepetitions(report.Options.Compare.Alpha)} repetitions per run) " +
            "and stayed slower in every later run.").AppendLine();

        var flagged = report.Series.Where(s => s.Regression is not null).ToList();
        md.AppendLine("## Regressions").AppendLine();
        if (flagged.Count == 0)
        {
            md.AppendLine("None flagged.").AppendLine();
        }
        else
        {
            md.AppendLine("| series | started in run | started at (UTC) | change vs earlier runs [95% CI] |");
            md.AppendLine("|---|---|---|---:|");
            foreach (var s in flagged)
            {
                var r = s.Regression!;
                md.AppendLine($"| {Cell(s.Key.ToString())} | {Cell(r.RunId)} | {r.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} | {CompareFormat.Change(r.Comparison)} |");
            }

            md.AppendLine();
        }

        md.AppendLine("## Series").AppendLine();
        md.AppendLine("| series | runs | first median | last median | regression | chart |");
        md.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var s in report.Series)
        {
            md.AppendLine($"| {Cell(s.Key.ToString())} | {s.Points.Count} | {Cell(CompareFormat.Value(s.Points[0].Median, s.Unit))} | " +
                $"{Cell(CompareFormat.Value(s.Points[^1].Median, s.Unit))} | {Cell(s.Regression?.RunId ?? "-")} | [png]({s.ChartFileStem}.png) |");
        }

        md.AppendLine();
        if (report.SeriesOverLimit > 0)
        {
            md.AppendLine($"{report.SeriesOverLimit} more series were left out (limit {report.Options.MaxSeries}); narrow them with --metric.").AppendLine();
        }

        if (report.Skipped.Count > 0)
        {
            md.AppendLine("## Run folders not read").AppendLine();
            foreach (var skipped in report.Skipped)
            {
                md.AppendLine($"- {Cell(skipped)}");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    public static async Task<string> WriteAsync(string directory, HistoryReport report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Join(directory, FileName);
        await File.WriteAllTextAsync(path, Render(report), new UTF8Encoding(false), cancellationToken);
        return path;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
