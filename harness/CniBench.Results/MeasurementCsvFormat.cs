using System.Globalization;
using CniBench.Core.Measurements;

namespace CniBench.Results;

/// <summary>Column order and value spelling of measurements.csv, shared by the sink and the reader.</summary>
internal static class MeasurementCsvFormat
{
    public static string[] Columns { get; } =
    [
        "run_id", "provider", "cni", "test", "variant", "topology", "repetition",
        "metric", "value", "unit", "status", "reason", "timestamp", "raw_file",
    ];

    public static string HeaderLine { get; } = string.Join(',', Columns);

    public static string FormatStatus(MeasurementStatus status) => status switch
    {
        MeasurementStatus.Ok => "ok",
        MeasurementStatus.Failed => "failed",
        MeasurementStatus.Unsupported => "unsupported",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown measurement status"),
    };

    public static bool TryParseStatus(string text, out MeasurementStatus status)
    {
        switch (text)
        {
            case "ok":
                status = MeasurementStatus.Ok;
                return true;
            case "failed":
                status = MeasurementStatus.Failed;
                return true;
            case "unsupported":
                status = MeasurementStatus.Unsupported;
                return true;
            default:
                status = default;
                return false;
        }
    }

    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static string FormatValue(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>One physical line per row keeps the file greppable and line numbers in errors exact.</summary>
    public static string SingleLine(string? text) =>
        text is null ? "" : text.ReplaceLineEndings(" ");

    public static string[] ToFields(Measurement m) =>
    [
        m.RunId,
        m.Provider,
        m.Cni,
        m.Test,
        m.Variant,
        m.Topology,
        m.Repetition.ToString(CultureInfo.InvariantCulture),
        m.Metric,
        m.Status == MeasurementStatus.Ok && m.Value is { } value ? FormatValue(value) : "",
        m.Unit,
        FormatStatus(m.Status),
        SingleLine(m.Reason),
        FormatTimestamp(m.Timestamp),
        m.RawFile ?? "",
    ];
}
