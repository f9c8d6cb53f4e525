using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;
using CniBench.Results;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CniBench.Cli.Console;

/// <summary>
/// The end-of-run tables: one per test, a row per CNI (and variant) and a column per (variant, topology), each
/// cell the median throughput with n and % of underlay. CNIs are rows because a run with variants has a dozen of
/// them, far more than the handful of (variant, topology) groups a test has.
/// </summary>
internal static class ResultsTable
{
    public static IRenderable Build(IReadOnlyList<SummaryRow> summary)
    {
        var throughput = summary.Where(r => r.Metric == Metrics.ThroughputBps).ToList();
        var cnis = throughput.Select(r => r.Cni).Distinct()
            .OrderBy(c => c == Underlay.Name ? 0 : 1).ThenBy(c => c, StringComparer.Ordinal).ToList();
        var tables = new List<IRenderable>();
        foreach (var test in throughput.GroupBy(r => r.Test).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var groups = test.Select(r => (r.Variant, r.Topology)).Distinct()
                .OrderBy(g => g.Variant, StringComparer.Ordinal).ThenBy(g => g.Topology, StringComparer.Ordinal).ToList();
            var table = new Table().Border(TableBorder.Rounded)
                .Title($"[bold]{Markup.Escape(test.Key)} throughput[/] (median, n repetitions, % of underlay)");
            table.AddColumn("cni");
            foreach (var (variant, topology) in groups)
            {
                table.AddColumn(new TableColumn($"{Markup.Escape(variant)}\n{Markup.Escape(topology)}").RightAligned());
            }

            foreach (var cni in cnis.Where(c => test.Any(r => r.Cni == c)))
            {
                table.AddRow([Markup.Escape(cni), .. groups.Select(g => Cell(test.FirstOrDefault(r => r.Cni == cni && r.Variant == g.Variant && r.Topology == g.Topology)))]);
            }

            tables.Add(table);
        }

        return new Rows(tables);
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
