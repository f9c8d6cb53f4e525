using System.Globalization;
using CniBench.Core.Measurements;
using CsvHelper;

namespace CniBench.Results;

/// <summary>A measurements.csv that cannot be read; the message names the file and line.</summary>
public sealed class MeasurementCsvException(string source, long lineNumber, string problem, Exception? inner = null)
    : Exception($"{source} line {lineNumber}: {problem}", inner)
{
    public string SourceName { get; } = source;

    public long LineNumber { get; } = lineNumber;
}

/// <summary>Reads measurements.csv back into <see cref="Measurement"/> records (summary, compare, resume).</summary>
public static class MeasurementCsvReader
{
    /// <exception cref="MeasurementCsvException">A row is corrupt or truncated.</exception>
    public static IReadOnlyList<Measurement> Read(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    /// <param name="sourceName">Used in error messages, usually the file path.</param>
    /// <exception cref="MeasurementCsvException">A row is corrupt or truncated.</exception>
    public static IReadOnlyList<Measurement> Read(TextReader text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = new CsvReaderOptions
        {
            // The header is checked here, column by column, to name what is wrong with it.
            HasHeader = false,
            TrackLineNumbers = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            // Blank lines are what a crash between rows leaves; they carry nothing.
            SkipEmptyLines = true,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        var rows = new List<Measurement>();
        var sawHeader = false;
        while (true)
        {
            string[] fields;
            try
            {
                if (!csv.Read())
                {
                    break;
                }

                fields = [.. Enumerable.Range(0, csv.FieldCount).Select(csv.GetString)];
            }
            catch (CsvFormatException ex)
            {
                throw new MeasurementCsvException(sourceName, ex.LineNumber, "malformed CSV (truncated or corrupt row): " + ex.Message, ex);
            }

            if (!sawHeader)
            {
                CheckHeader(fields, sourceName, csv.LineNumber);
                sawHeader = true;
                continue;
            }

            rows.Add(ParseRow(fields, sourceName, csv.LineNumber));
        }

        return rows;
    }

    private static void CheckHeader(string[] fields, string source, long line)
    {
        if (!fields.SequenceEqual(MeasurementCsvFormat.Columns, StringComparer.Ordinal))
        {
            throw new MeasurementCsvException(source, line,
                $"header '{string.Join(',', fields)}' is not '{MeasurementCsvFormat.HeaderLine}'");
        }
    }

    private static Measurement ParseRow(string[] f, string source, long line)
    {
        var expected = MeasurementCsvFormat.Columns.Length;
        if (f.Length != expected)
        {
            throw new MeasurementCsvException(source, line,
                $"expected {expected} fields, found {f.Length} (row truncated or corrupt)");
        }

        if (!int.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var repetition))
        {
            throw Bad(source, line, "repetition", f[6]);
        }

        if (!MeasurementCsvFormat.TryParseStatus(f[10], out var status))
        {
            throw Bad(source, line, "status", f[10]);
        }

        double? value = null;
        if (f[8].Length > 0)
        {
            if (!double.TryParse(f[8], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                throw Bad(source, line, "value", f[8]);
            }

            value = parsed;
        }

        if (!DateTimeOffset.TryParse(f[12], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var timestamp))
        {
            throw Bad(source, line, "timestamp", f[12]);
        }

        return new Measurement
        {
            RunId = f[0],
            Provider = f[1],
            Cni = f[2],
            Test = f[3],
            Variant = f[4],
            Topology = f[5],
            Repetition = repetition,
            Metric = f[7],
            Value = value,
            Unit = f[9],
            Status = status,
            Reason = f[11].Length == 0 ? null : f[11],
            Timestamp = timestamp,
            RawFile = f[13].Length == 0 ? null : f[13],
        };
    }

    private static MeasurementCsvException Bad(string source, long line, string column, string text) =>
        new(source, line, $"column '{column}' has invalid value '{text}'");
}
