using System.Globalization;
using System.Text.RegularExpressions;

namespace CniBench.Core.Scenarios;

/// <summary>Parses and formats the human quantities scenario files use: durations and bitrates.</summary>
public static partial class Quantities
{
    /// <summary>iperf3's -t/-O and wrk's -d take whole seconds: the one rule for every duration handed to them.</summary>
    public static bool IsWholeSeconds(TimeSpan duration) => duration.Ticks % TimeSpan.TicksPerSecond == 0;

    /// <summary>"10s", "500ms", "2m", "1h", or a bare number of seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        duration = match.Groups["u"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromSeconds(n),
        };
        return true;
    }

    /// <summary>"1G", "500M", "64K" (decimal, as iperf3 reads rates) or a bare number of bit/s.</summary>
    public static bool TryParseBitrate(string text, out long bitsPerSecond)
    {
        bitsPerSecond = 0;
        var match = BitratePattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        var scale = match.Groups["u"].Value.ToUpperInvariant() switch
        {
            "K" => 1e3,
            "M" => 1e6,
            "G" => 1e9,
            _ => 1.0,
        };
        bitsPerSecond = (long)Math.Round(n * scale);
        return bitsPerSecond > 0;
    }

    /// <summary>The shortest exact label for a bitrate: 1000000000 → "1G", 1500000 → "1500K".</summary>
    public static string FormatBitrate(long bitsPerSecond)
    {
        foreach (var (suffix, scale) in new[] { ("G", 1_000_000_000L), ("M", 1_000_000L), ("K", 1_000L) })
        {
            if (bitsPerSecond % scale == 0)
            {
                return (bitsPerSecond / scale).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bitsPerSecond.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>"1KiB", "100KiB", "1MiB" (binary units), "512B" or a bare number of bytes.</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !long.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        var scale = match.Groups["u"].Value switch
        {
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            _ => 1L,
        };
        if (n > long.MaxValue / scale)
        {
            return false;
        }

        bytes = n * scale;
        return bytes > 0;
    }

    /// <summary>The shortest exact label for a size: 102400 → "100KiB", 1000 → "1000B".</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (suffix, scale) in new[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10) })
        {
            if (bytes > 0 && bytes % scale == 0)
            {
                return (bytes / scale).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    /// <summary>A throughput for people: "9.41 Gbit/s".</summary>
    public static string FormatThroughput(double bitsPerSecond) => bitsPerSecond switch
    {
        >= 1e9 => (bitsPerSecond / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " Gbit/s",
        >= 1e6 => (bitsPerSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " Mbit/s",
        _ => (bitsPerSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " kbit/s",
    };

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>ms|s|m|h)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>[kKmMgG])?$")]
    private static partial Regex BitratePattern();

    [GeneratedRegex(@"^(?<n>\d{1,12})\s*(?<u>B|KiB|MiB|GiB)?$")]
    private static partial Regex SizePattern();
}
