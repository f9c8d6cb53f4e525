using System.Globalization;
using System.Text.Json;

namespace CniBench.Workloads.Iperf3;

/// <summary>
/// Reads the client's <c>-J</c> document. Never throws on bad input: a broken or error document is an
/// <see cref="Iperf3Failure"/>. Field placement is that of iperf3 3.12, recorded under tests/testassets/iperf3.
/// </summary>
public static class Iperf3ResultParser
{
    private const int MaxReasonLength = 300;

    public static Iperf3Result Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Iperf3Failure("iperf3 printed no JSON");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException ex)
        {
            return new Iperf3Failure($"iperf3 output is not valid JSON: {ex.Message}");
        }
    }

    private static Iperf3Result Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Iperf3Failure($"iperf3 JSON is a {root.ValueKind}, not an object");
        }

        // 3.12 exits 0 even when it reports an error in JSON, so the document, not the exit code, decides.
        if (root.TryGetProperty("error", out var error))
        {
            return new Iperf3Failure(Shorten($"iperf3: {error}{Progress(root)}"));
        }

        if (!root.TryGetProperty("end", out var end) || end.ValueKind != JsonValueKind.Object)
        {
            return new Iperf3Failure("iperf3 JSON has no 'end' section");
        }

        var streams = Number(root, "start", "test_start", "num_streams") is { } n ? (int)n : 1;
        return IsUdp(root, end) ? ParseUdp(end, streams) : ParseTcp(end, streams);
    }

    private static Iperf3Result ParseTcp(JsonElement end, int streams)
    {
        var received = Number(end, "sum_received", "bits_per_second");
        var sent = Number(end, "sum_sent", "bits_per_second");
        if (received is null || sent is null)
        {
            return new Iperf3Failure("iperf3 JSON lacks end.sum_received or end.sum_sent bits_per_second");
        }

        var retransmits = Number(end, "sum_sent", "retransmits");
        return new Iperf3TcpResult(received.Value, sent.Value, retransmits is { } r ? (long)r : null, streams) { Run = RunFacts(end) };
    }

    // 3.12 puts the receiver's view in end.sum_received (rate, jitter, loss as the server counted them). end.sum
    // carries the sender's rate: what was offered, not what crossed the path, so it is never taken for the
    // receiver's. Without sum_received (iperf3 before 3.12, or a truncated report) the measurement fails with the reason.
    private static Iperf3Result ParseUdp(JsonElement end, int streams)
    {
        if (!end.TryGetProperty("sum_received", out _))
        {
            return new Iperf3Failure(
                "iperf3 UDP JSON has no end.sum_received, so the receiver's rate is unknown (the sender's rate is what was offered, " +
                "not what arrived); iperf3 3.12 or newer reports it");
        }

        var rate = Number(end, "sum_received", "bits_per_second");
        var jitter = Number(end, "sum_received", "jitter_ms");
        var lost = Number(end, "sum_received", "lost_packets");
        var packets = Number(end, "sum_received", "packets");
        var lostPercent = Number(end, "sum_received", "lost_percent");
        if (rate is null || jitter is null || lost is null || packets is null || lostPercent is null)
        {
            return new Iperf3Failure("iperf3 UDP JSON lacks rate, jitter or loss in end.sum_received");
        }

        var sent = Number(end, "sum_sent", "bits_per_second") ?? Number(end, "sum", "bits_per_second");
        if (sent is null)
        {
            return new Iperf3Failure("iperf3 UDP JSON lacks the sender's rate (end.sum_sent or end.sum bits_per_second)");
        }

        return new Iperf3UdpResult(rate.Value, sent.Value, jitter.Value, (long)lost.Value, (long)packets.Value, lostPercent.Value, streams)
        {
            Run = RunFacts(end),
        };
    }

    private static Iperf3RunFacts RunFacts(JsonElement end) => new(
        Number(end, "sum_received", "seconds") ?? Number(end, "sum_sent", "seconds") ?? Number(end, "sum", "seconds"),
        Number(end, "cpu_utilization_percent", "host_total"),
        Number(end, "cpu_utilization_percent", "remote_total"));

    private static bool IsUdp(JsonElement root, JsonElement end) =>
        root.TryGetProperty("start", out var start)
        && start.TryGetProperty("test_start", out var testStart)
        && testStart.TryGetProperty("protocol", out var protocol)
        && protocol.ValueKind == JsonValueKind.String
            ? string.Equals(protocol.GetString(), "UDP", StringComparison.OrdinalIgnoreCase)
            : Number(end, "sum", "jitter_ms") is not null;

    /// <summary>How far the test got before the error, from the partial intervals iperf3 still prints.</summary>
    private static string Progress(JsonElement root)
    {
        if (!root.TryGetProperty("intervals", out var intervals) || intervals.ValueKind != JsonValueKind.Array
            || intervals.GetArrayLength() == 0)
        {
            return "";
        }

        var reached = Number(intervals[intervals.GetArrayLength() - 1], "sum", "end");
        var planned = Number(root, "start", "test_start", "duration");
        if (reached is null)
        {
            return "";
        }

        var of = planned is { } p ? string.Create(CultureInfo.InvariantCulture, $" of {p:0.#} s") : "";
        return string.Create(CultureInfo.InvariantCulture, $" (after {reached:0.#} s{of})");
    }

    private static double? Number(JsonElement element, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var value) ? value : null;
    }

    private static string Shorten(string text) =>
        text.Length <= MaxReasonLength ? text : string.Concat(text.AsSpan(0, MaxReasonLength - 1), "…");
}
