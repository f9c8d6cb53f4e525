using System.Globalization;
using System.Text;
using CsvHelper;

namespace CniBench.Results;

/// <summary>Writes summary.csv: one row per <see cref="SummaryRow"/>, empty cells where a statistic does not exist.</summary>
public static class SummaryCsv
{
    internal static string[] Columns { get; } =
    [
        "cni", "test", "variant", "topology", "metric", "unit", "n", "median", "mean", "stdev",
        "ci95_low", "ci95_high", "min", "max", "pct_of_underlay", "failed", "unsupported",
    ];

    /// <returns>The full path written.</returns>
    public static async Task<string> WriteAsync(string runDirectory, IReadOnlyList<SummaryRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(runDirectory);
        var path = Path.Join(runDirectory, RunFolder.SummaryCsv);
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            await WriteAsync(writer, rows, cancellationToken);
        }

        return path;
    }

    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<SummaryRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var options = new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture };
        var csv = CsvWriter.Create(writer, options, leaveOpen: true);
        await using (csv.ConfigureAwait(false))
        {
            csv.WriteHeader(Columns);
            foreach (var r in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                csv.WriteRecord(
                [
                    r.Cni, r.Test, r.Variant, r.Topology, r.Metric, r.Unit,
                    r.N.ToString(CultureInfo.InvariantCulture),
                    Number(r.Median), Number(r.Mean), Number(r.Stdev), Number(r.Ci95Low), Number(r.Ci95High),
                    Number(r.Min), Number(r.Max), Number(r.PctOfUnderlay),
                    r.Failed.ToString(CultureInfo.InvariantCulture),
                    r.Unsupported.ToString(CultureInfo.InvariantCulture),
                ]);
            }

            await csv.FlushAsync(cancellationToken);
        }
    }

    private static string Number(double? value) =>
        value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
