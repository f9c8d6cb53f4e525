using System.Globalization;
using System.Text.RegularExpressions;

namespace CniBench.Workloads.Rr;

/// <summary>One sockperf ping-pong client's figures: its own summary (stdout) and its per-transaction round trips (full log).</summary>
public sealed record SockperfFlowResult
{
    /// <summary>The measured window sockperf reports after its warm-up ("Valid Duration").</summary>
    public required TimeSpan ValidDuration { get; init; }

    public required long ReceivedMessages { get; init; }

    public long DroppedMessages { get; init; }

    /// <summary>sockperf's own percentiles in microseconds, keyed by percentile (50, 99, 99.9 …); the maximum under 100.</summary>
    public IReadOnlyDictionary<double, double> ToolPercentilesUs { get; init; } = new Dictionary<double, double>();

    /// <summary>Round trip of every transaction in the measured window, in microseconds.</summary>
    public IReadOnlyList<double> RoundTripsUs { get; init; } = [];

    public double TransactionsPerSecond => ReceivedMessages / ValidDuration.TotalSeconds;
}

/// <summary>
/// Reads sockperf 3.7's ping-pong output: the summary it prints on stdout and the CSV of <c>--full-log</c>
/// (<c>packet, txTime(sec), rxTime(sec), rtt(usec)</c>). Colour escapes are ignored.
/// </summary>
public static partial class SockperfOutputParser
{
    /// <summary>The maximum's key in <see cref="SockperfFlowResult.ToolPercentilesUs"/>.</summary>
    public const double Max = 100;

    /// <summary>The figures, or the reason there are none (a client that lost its server prints no Valid Duration).</summary>
    public static (SockperfFlowResult? Result, string? Error) Parse(string stdout, string sampleLog)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(sampleLog);
        var summary = AnsiEscape().Replace(stdout, "");
        if (ErrorLine().Match(summary + "\n" + sampleLog) is { Success: true } error)
        {
            return (null, error.Groups["msg"].Value.Trim());
        }

        var valid = ValidDuration().Match(summary);
        if (!valid.Success)
        {
            return (null, "sockperf printed no [Valid Duration] line: the run measured nothing");
        }

        var percentiles = new Dictionary<double, double>();
        foreach (Match m in PercentileLine().Matches(summary))
        {
            percentiles[Number(m.Groups["p"].Value)] = Number(m.Groups["v"].Value);
        }

        if (MaxLine().Match(summary) is { Success: true } max)
        {
            percentiles[Max] = Number(max.Groups["v"].Value);
        }

        var samples = new List<double>();
        foreach (Match m in SampleLine().Matches(sampleLog))
        {
            samples.Add(Number(m.Groups["rtt"].Value));
        }

        var received = long.Parse(valid.Groups["rx"].Value, CultureInfo.InvariantCulture);
        if (received == 0)
        {
            return (null, "sockperf received no reply in the measured window");
        }

        if (samples.Count == 0)
        {
            return (null, "sockperf's full log (--full-log) had no samples");
        }

        var dropped = DroppedLine().Match(summary) is { Success: true } d ? long.Parse(d.Groups["n"].Value, CultureInfo.InvariantCulture) : 0;
        return (new SockperfFlowResult
        {
            ValidDuration = TimeSpan.FromSeconds(Number(valid.Groups["t"].Value)),
            ReceivedMessages = received,
            DroppedMessages = dropped,
            ToolPercentilesUs = percentiles,
            RoundTripsUs = samples,
        }, null);
    }

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^sockperf: (?:ERROR: )?(?<msg>No messages were received.*|.*(?:Connection refused|Network is unreachable|No route to host).*)$", RegexOptions.Multiline)]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"\[Valid Duration\] RunTime=(?<t>[0-9.]+) sec; SentMessages=\d+; ReceivedMessages=(?<rx>\d+)")]
    private static partial Regex ValidDuration();

    [GeneratedRegex(@"---> percentile (?<p>[0-9.]+) =\s*(?<v>[0-9.]+)")]
    private static partial Regex PercentileLine();

    [GeneratedRegex(@"---> <MAX> observation =\s*(?<v>[0-9.]+)")]
    private static partial Regex MaxLine();

    [GeneratedRegex(@"# dropped messages = (?<n>\d+)")]
    private static partial Regex DroppedLine();

    [GeneratedRegex(@"^\d+, [0-9.]+, [0-9.]+, (?<rtt>[0-9.]+)\s*$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
