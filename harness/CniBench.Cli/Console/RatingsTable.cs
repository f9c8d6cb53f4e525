using System.Globalization;
using CniBench.Results.Report;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CniBench.Cli.Console;

/// <summary>
/// The summary matrix in the terminal, from ratings.csv: a row per cluster, a column per rated criterion, each cell
/// the rating with the ratio to the reference and its 95% interval, or "within noise" when the data cannot tell.
/// </summary>
internal static class RatingsTable
{
    public static IRenderable? Build(IReadOnlyList<RatingRow> ratings)
    {
        ArgumentNullException.ThrowIfNull(ratings);
        var criteria = ratings.Where(r => r.RatioToReference is not null).Select(r => r.Criterion).Distinct(StringComparer.Ordinal).ToList();
        if (criteria.Count == 0)
        {
            return null;
        }

        var table = new Spectre.Console.Table().Border(TableBorder.Rounded)
            .Title("[bold]ratings[/] (ratio to the reference [[95% interval]]; a lower class only when the whole interval is beyond its threshold)");
        table.AddColumn("cni");
        foreach (var criterion in criteria)
        {
            table.AddColumn(new TableColumn(Markup.Escape(criterion)).RightAligned());
        }

        foreach (var cni in ratings.Select(r => r.Cni).Distinct(StringComparer.Ordinal))
        {
            table.AddRow([Markup.Escape(cni), .. criteria.Select(c => Cell(ratings.FirstOrDefault(r => r.Cni == cni && r.Criterion == c)))]);
        }

        return table;
    }

    internal static string Cell(RatingRow? row)
    {
        if (row?.RatioToReference is not { } ratio)
        {
            return Markup.Escape(row?.Rating ?? "-");
        }

        var interval = row.RatioCiLow is { } low && row.RatioCiHigh is { } high
            ? $" [[{Ratio(low)}–{Ratio(high)}]]"
            : " [[no interval]]";
        var noise = row.Significant == true ? "" : ", within noise";
        return $"{Markup.Escape(row.Rating)} {Ratio(ratio)}{interval} n={row.N?.ToString(CultureInfo.InvariantCulture) ?? "?"}{noise}";
    }

    private static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
