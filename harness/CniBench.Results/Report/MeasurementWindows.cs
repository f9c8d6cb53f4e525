using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>
/// How long each test measured and what warm-up it discarded, read back from the raw tool output the run kept (iperf3's
/// JSON, the wrk transcript), so the report states the window the figures really cover rather than what a scenario asked.
/// </summary>
public static partial class MeasurementWindows
{
    /// <returns>Test → e.g. "2 s measured after a 1 s warm-up"; tests without a readable raw file are absent.</returns>
    public static IReadOnlyDictionary<string, string> Read(string runDirectory, IReadOnlyList<Measurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var windows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var sample in measurements
            .Where(m => m.Status == MeasurementStatus.Ok && m.RawFile is not null)
            .GroupBy(m => m.Test, StringComparer.Ordinal)
            .Select(g => g.First()))
        {
            var path = Path.Join(runDirectory, sample.RawFile);
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                var window = Path.GetExtension(path) == ".json" ? FromIperf3(File.ReadAllText(path)) : FromWrk(File.ReadAllText(path));
                if (window is not null)
                {
                    windows[sample.Test] = window;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                // A raw file that cannot be read only costs the report this sentence.
            }
        }

        return windows;
    }

    /// <summary>iperf3's <c>start.test_start</c>: <c>duration</c> (-t) and <c>omit</c> (-O, measured but left out of the totals).</summary>
    internal static string? FromIperf3(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("start", out var start) || !start.TryGetProperty("test_start", out var test)
            || !test.TryGetProperty("duration", out var duration) || duration.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var omit = test.TryGetProperty("omit", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt32() : 0;
        return $"{Seconds(duration.GetInt32())} measured after a {Seconds(omit)} warm-up (iperf3 -O: measured, then left out of the totals)";
    }

    /// <summary>The <c>-d</c> of the measured wrk run and of the discarded warm-up run before it.</summary>
    internal static string? FromWrk(string transcript)
    {
        string? measured = null, warmup = null;
        foreach (Match m in WrkRun().Matches(transcript))
        {
            if (m.Groups["kind"].Value == "measured")
            {
                measured = m.Groups["d"].Value;
            }
            else
            {
                warmup = m.Groups["d"].Value;
            }
        }

        return measured is null ? null : $"{measured} measured" + (warmup is null ? "" : $" after a discarded {warmup} warm-up run");
    }

    private static string Seconds(int seconds) => seconds.ToString(CultureInfo.InvariantCulture) + " s";

    [GeneratedRegex(@"^# (?<kind>measured|warm-up \(discarded\)): .*? -d (?<d>\S+)", RegexOptions.Multiline)]
    private static partial Regex WrkRun();
}
