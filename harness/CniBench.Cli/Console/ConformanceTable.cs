using CniBench.Core.Measurements;
using CniBench.Results;
using Spectre.Console;

namespace CniBench.Cli.Console;

/// <summary>The end-of-run policy grid: one row per case, one column per CNI, like cyclonus's summary.</summary>
internal static class ConformanceTable
{
    public static Table Build(IReadOnlyList<SummaryRow> summary)
    {
        var passes = summary.Where(r => r.Metric == Metrics.CasePass).ToList();
        var wrong = summary.Where(r => r.Metric == Metrics.CellsWrong).ToDictionary(r => (r.Cni, r.Variant), r => r.Max ?? 0);
        var cnis = passes.Select(r => r.Cni).Distinct().Order(StringComparer.Ordinal).ToList();
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Network-policy conformance[/] (pass = every graded cell right in every sample)");
        table.AddColumn("case");
        foreach (var cni in cnis)
        {
            table.AddColumn(new TableColumn(Markup.Escape(cni)).Centered());
        }

        foreach (var group in passes.GroupBy(r => r.Variant).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var cells = new List<string> { Markup.Escape(group.Key) };
            cells.AddRange(cnis.Select(cni => group.FirstOrDefault(r => r.Cni == cni) switch
            {
                null => "[dim]-[/]",
                { N: 0, Failed: > 0 } => "[red]error[/]",
                { N: 0 } => "[yellow]not tested[/]",
                { Min: >= 1 } => "[green]pass[/]",
                _ => $"[red]FAIL[/] [dim]{wrong.GetValueOrDefault((cni, group.Key)):0} wrong[/]",
            }));
            table.AddRow(cells.ToArray());
        }

        var scores = summary.Where(r => r.Metric == Metrics.ConformanceScorePercent).ToDictionary(r => r.Cni, r => r.Median);
        var footer = new List<string> { "[bold]score[/]" };
        footer.AddRange(cnis.Select(cni => scores.GetValueOrDefault(cni) is { } score ? $"[bold]{score:0}%[/]" : "-"));
        table.AddRow(footer.ToArray());
        return table;
    }
}
