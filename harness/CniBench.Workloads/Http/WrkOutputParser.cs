using System.Globalization;
using System.Text.Json;

namespace CniBench.Workloads.Http;

/// <summary>
/// Reads what <see cref="WrkTool.Command"/> prints: the script's JSON line on stdout and GNU time's line on stderr.
/// Never throws on bad input. Recorded examples (wrk 4.1.0, GNU time 1.9) are under tests/testassets/wrk.
/// </summary>
public static class WrkOutputParser
{
    private const int MaxReasonLength = 300;

    public static WrkOutcome Parse(string stdout, string stderr)
    {
        var line = FindLine(stdout, WrkTool.SummaryMarker);
        if (line is null)
        {
            return new WrkFailure(Shorten($"wrk printed no summary: {Detail(stderr, stdout)}"));
        }

        WrkResult? result;
        try
        {
            using var document = JsonDocument.Parse(line);
            result = Read(document.RootElement, ParseCpu(stderr));
        }
        catch (JsonException ex)
        {
            return new WrkFailure($"wrk's summary is not valid JSON: {ex.Message}");
        }

        if (result is null)
        {
            return new WrkFailure("wrk's summary lacks requests, bytes, duration, errors or latency");
        }

        if (result.Requests == 0)
        {
            var e = result.Errors;
            return new WrkFailure(string.Create(
                CultureInfo.InvariantCulture,
                $"wrk completed no request (errors: connect {e.Connect}, read {e.Read}, write {e.Write}, timeout {e.Timeout})"));
        }

        return result.Duration > TimeSpan.Zero ? result : new WrkFailure("wrk reported a zero duration");
    }

    /// <summary>GNU time's line, or null when absent (wrk killed, or time not used).</summary>
    public static GeneratorCpu? ParseCpu(string stderr)
    {
        var line = FindLine(stderr, WrkTool.TimeMarker);
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: 3 }
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var user)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var system)
            && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var elapsed)
            ? new GeneratorCpu(user, system, elapsed)
            : null;
    }

    private static WrkResult? Read(JsonElement root, GeneratorCpu? cpu)
    {
        if (Number(root, "requests") is not { } requests
            || Number(root, "bytes") is not { } bytes
            || Number(root, "duration_us") is not { } duration
            || !root.TryGetProperty("errors", out var errors)
            || !root.TryGetProperty("latency_us", out var latency))
        {
            return null;
        }

        long?[] counts = [Number(errors, "connect"), Number(errors, "read"), Number(errors, "write"), Number(errors, "status"), Number(errors, "timeout")];
        long?[] micros = [Number(latency, "p50"), Number(latency, "p90"), Number(latency, "p99"), Number(latency, "p999"), Number(latency, "max")];
        if (counts.Any(c => c is null) || micros.Any(m => m is null))
        {
            return null;
        }

        return new WrkResult(
            requests,
            bytes,
            TimeSpan.FromMicroseconds(duration),
            new WrkErrors(counts[0]!.Value, counts[1]!.Value, counts[2]!.Value, counts[3]!.Value, counts[4]!.Value),
            new WrkLatency(
                TimeSpan.FromMicroseconds(micros[0]!.Value),
                TimeSpan.FromMicroseconds(micros[1]!.Value),
                TimeSpan.FromMicroseconds(micros[2]!.Value),
                TimeSpan.FromMicroseconds(micros[3]!.Value),
                TimeSpan.FromMicroseconds(micros[4]!.Value)),
            cpu);
    }

    private static string? FindLine(string text, string marker)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            var line = raw.Trim();
            if (line.StartsWith(marker, StringComparison.Ordinal))
            {
                return line[marker.Length..].Trim().ToString();
            }
        }

        return null;
    }

    private static long? Number(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var number)
            ? number
            : null;

    /// <summary>wrk's own complaint, without GNU time's lines about it.</summary>
    private static string Detail(string stderr, string stdout)
    {
        var lines = (stderr + "\n" + stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith(WrkTool.TimeMarker, StringComparison.Ordinal) && !l.StartsWith("Command exited with", StringComparison.Ordinal));
        var text = string.Join(" ", lines);
        return text.Length == 0 ? "no output" : text;
    }

    private static string Shorten(string text) =>
        text.Length <= MaxReasonLength ? text : string.Concat(text.AsSpan(0, MaxReasonLength - 1), "…");
}
