using System.Globalization;
using System.Text;
using CsvHelper;

namespace CniBench.Results.Report;

/// <summary>One cell of the summary matrix as ratings.csv holds it: what was rated, how, and how sure the data is.</summary>
public sealed record RatingRow(
    string Cni, string Criterion, string Test, string Variant, string Topology, string Rating,
    double? RatioToReference, double? RatioCiLow, double? RatioCiHigh, int? N, bool? Significant);

/// <summary>
/// ratings.csv: the summary matrix, machine-readable, one row per cluster and criterion, so a rating can be traced
/// to its ratio, interval and n, and two runs' ratings can be compared (<see cref="RatingAgreement"/>).
/// </summary>
public static class RatingsCsv
{
    public const string FileName = "ratings.csv";

    internal static string[] Columns { get; } =
    [
        "cni", "criterion", "test", "variant", "topology", "rating",
        "ratio_to_reference", "ratio_ci_low", "ratio_ci_high", "n", "significant",
    ];

    public static IReadOnlyList<RatingRow> From(SummaryMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return
        [
            .. matrix.Rows.SelectMany(row => matrix.Criteria.Select((criterion, i) => (Criterion: criterion, Cell: row.Cells[i]))
                .Select(c => new RatingRow(
                    row.Cni,
                    c.Criterion.Id,
                    c.Cell.Stats?.Test ?? "",
                    c.Cell.Stats?.Variant ?? "",
                    c.Cell.Stats?.Topology ?? "",
                    Name(c.Cell.Rating),
                    c.Cell.Stats is { Ratio: var r } && double.IsFinite(r) ? r : null,
                    c.Cell.Stats?.RatioLow,
                    c.Cell.Stats?.RatioHigh,
                    c.Cell.Stats?.N,
                    c.Cell.Stats?.Significant))),
        ];
    }

    public static async Task WriteAsync(string runDirectory, IReadOnlyList<RatingRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var path = Path.Join(runDirectory, FileName);
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            var csv = CsvWriter.Create(writer, new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
            await using (csv.ConfigureAwait(false))
            {
                csv.WriteHeader(Columns);
                foreach (var r in rows)
                {
                    csv.WriteRecord(
                    [
                        r.Cni, r.Criterion, r.Test, r.Variant, r.Topology, r.Rating,
                        Number(r.RatioToReference), Number(r.RatioCiLow), Number(r.RatioCiHigh),
                        r.N?.ToString(CultureInfo.InvariantCulture) ?? "",
                        r.Significant is { } s ? (s ? "true" : "false") : "",
                    ]);
                }

                await csv.FlushAsync(cancellationToken);
            }
        }
    }

    /// <exception cref="InvalidDataException">The file is not a ratings.csv.</exception>
    public static IReadOnlyList<RatingRow> Read(string path)
    {
        using var text = new StreamReader(path);
        using var csv = CsvReader.Create(text, new CsvReaderOptions { HasHeader = false, SkipEmptyLines = true, FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        var rows = new List<RatingRow>();
        var header = true;
        while (csv.Read())
        {
            string[] f = [.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)];
            if (header)
            {
                if (!f.SequenceEqual(Columns, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"{path}: not a ratings.csv (header '{string.Join(',', f)}')");
                }

                header = false;
                continue;
            }

            if (f.Length != Columns.Length)
            {
                throw new InvalidDataException($"{path}: a row has {f.Length} fields, {Columns.Length} expected");
            }

            rows.Add(new RatingRow(f[0], f[1], f[2], f[3], f[4], f[5], Parse(f[6]), Parse(f[7]), Parse(f[8]),
                int.TryParse(f[9], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null,
                f[10] switch { "true" => true, "false" => false, _ => null }));
        }

        return rows;
    }

    public static string Name(Rating rating) => rating switch
    {
        Rating.Best => "best",
        Rating.Acceptable => "acceptable",
        Rating.Poor => "poor",
        _ => "n/a",
    };

    private static string Number(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static double? Parse(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
}

/// <summary>How far two runs' ratings agree: the share of cells rated in both whose rating is the same.</summary>
public sealed record RatingAgreement(int Compared, int Agreeing, IReadOnlyList<(RatingRow First, RatingRow Second)> Disagreements)
{
    public double Share => Compared == 0 ? double.NaN : (double)Agreeing / Compared;

    /// <summary>Cells match by cluster and criterion; a cell "n/a" in either run is not compared (nothing was rated).</summary>
    public static RatingAgreement Of(IReadOnlyList<RatingRow> first, IReadOnlyList<RatingRow> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var other = second.ToDictionary(r => (r.Cni, r.Criterion));
        var pairs = first
            .Where(r => r.Rating != "n/a" && other.TryGetValue((r.Cni, r.Criterion), out var o) && o.Rating != "n/a")
            .Select(r => (First: r, Second: other[(r.Cni, r.Criterion)]))
            .ToList();
        var disagreements = pairs.Where(p => p.First.Rating != p.Second.Rating).ToList();
        return new RatingAgreement(pairs.Count, pairs.Count - disagreements.Count, disagreements);
    }
}
