using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Results;
using Spectre.Console;

namespace CniBench.Cli.Console;

/// <summary>The end-of-run table: median throughput per test row and CNI column, with n and % of underlay.</summary>
internal static class ResultsTable
{
    public static Table Build(IReadOnlyList<SummaryRow> summary)
    {
        var throughput = summary.Where(r => r.Metric == Metrics.ThroughputBps).ToList();
        var cnis = throughput.Select(r => r.Cni).Distinct()
            .OrderBy(c => c == Underlay.Name ? 0 : 1).ThenBy(c => c, StringComparer.Ordinal).ToList();

        var table = new Table().Border(TableBorder.Rounded).Title("[bold]Throughput[/] (median, n repetitions, % of underlay)");
        table.AddColumn("test");
        table.AddColumn("variant");
        table.AddColumn("topology");
        foreach (var cni in cnis)
        {
            table.AddColumn(new TableColumn(Markup.Escape(cni)).RightAligned());
        }

        foreach (var group in throughput.GroupBy(r => (r.Test, r.Variant, r.Topology)).OrderBy(g => g.Key.Test).ThenBy(g => g.Key.Variant).ThenBy(g => g.Key.Topology))
        {
            var cells = new List<string> { Markup.Escape(group.Key.Test), Markup.Escape(group.Key.Variant), Markup.Escape(group.Key.Topology) };
            cells.AddRange(cnis.Select(cni => Cell(group.FirstOrDefault(r => r.Cni == cni))));
            table.AddRow(cells.ToArray());
        }

        return table;
    }

    private static string Cell(SummaryRow? row) => row switch
    {
        null => "[dim]-[/]",
        { N: 0, Failed: > 0 } => $"[red]failed ×{row.Failed}[/]",
        { N: 0, Unsupported: > 0 } => "[yellow]unsupported[/]",
        { Median: { } median } => $"{Quantities.FormatThroughput(median)} [dim]n={row.N}[/]"
            + (row.PctOfUnderlay is { } pct ? $" [blue]{pct:0}%[/]" : "")
            + (row.Failed > 0 ? $" [red]+{row.Failed} failed[/]" : ""),
        _ => "[dim]-[/]",
    };
}
