using System.Globalization;
using System.Text.RegularExpressions;

namespace CniBench.Workloads.Crr;

/// <summary>One iperf2 connect-only client: how many connections completed and each one's connect time.</summary>
public sealed record Iperf2ConnectResult(IReadOnlyList<double> ConnectTimesUs, int Failed);

/// <summary>
/// Reads iperf 2.1.8's connect-only output: one <c>… connected with … (ct=0.01 ms) …</c> line per connection, whose
/// connect time iperf2 prints in milliseconds with two decimals (10 µs resolution).
/// </summary>
public static partial class Iperf2ConnectParser
{
    public static (Iperf2ConnectResult? Result, string? Error) Parse(string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var times = new List<double>();
        foreach (Match m in ConnectLine().Matches(stdout))
        {
            times.Add(1000 * double.Parse(m.Groups["ms"].Value, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        var failed = FailedLine().Count(stdout + "\n" + stderr);
        if (times.Count == 0)
        {
            var why = FailedLine().Match(stdout + "\n" + stderr) is { Success: true } f ? f.Value.Trim() : "no 'connected with' line";
            return (null, $"iperf2 completed no connection: {why}");
        }

        return (new Iperf2ConnectResult(times, failed), null);
    }

    [GeneratedRegex(@"connected with .*\(ct=(?<ms>[0-9.]+) ms\)")]
    private static partial Regex ConnectLine();

    [GeneratedRegex(@"^.*(?:connect failed|Connection refused|No route to host|timed out).*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex FailedLine();
}
