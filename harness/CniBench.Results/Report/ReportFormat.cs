using System.Globalization;
using CniBench.Core.Measurements;

namespace CniBench.Results.Report;

/// <summary>How the report spells numbers: invariant culture, a unit the reader knows, three or four significant digits.</summary>
public static class ReportFormat
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A value with its unit, e.g. <c>9.13 Gbit/s</c>, <c>63.1%</c>, <c>1450 bytes</c>.</summary>
    public static string Value(double? value, string unit)
    {
        if (value is not { } v)
        {
            return "–";
        }

        return unit switch
        {
            Metrics.BitsPerSecond => BitRate(v),
            Metrics.Percent => Number(v) + "%",
            "" or "bool" => Number(v),
            _ => Number(v) + " " + unit,
        };
    }

    /// <summary>A 95 % CI as <c>[low – high]</c> in the unit of its values; a dash when there is none.</summary>
    public static string Interval(double? low, double? high, string unit) =>
        low is null || high is null ? "–" : $"[{Value(low, unit)} – {Value(high, unit)}]";

    public static string BitRate(double bitsPerSecond)
    {
        var abs = Math.Abs(bitsPerSecond);
        return abs switch
        {
            >= 1e9 => (bitsPerSecond / 1e9).ToString("0.00", Invariant) + " Gbit/s",
            >= 1e6 => (bitsPerSecond / 1e6).ToString("0.0", Invariant) + " Mbit/s",
            >= 1e3 => (bitsPerSecond / 1e3).ToString("0.0", Invariant) + " kbit/s",
            _ => bitsPerSecond.ToString("0", Invariant) + " bit/s",
        };
    }

    public static string Number(double value)
    {
        var abs = Math.Abs(value);
        var format = abs switch
        {
            0 => "0",
            >= 100_000 => "#,0",
            >= 1000 => "0",
            >= 100 => "0.#",
            >= 10 => "0.##",
            >= 0.01 => "0.###",
            _ => "0.##E+0",
        };
        return value.ToString(format, Invariant);
    }

    public static string Percent(double value) => value.ToString("0", Invariant) + "%";

    public static string Count(long value) => value.ToString("#,0", Invariant);

    /// <summary>A fragment identifier made only of [a-z0-9-], so a hostile name can never break out of an attribute or a link.</summary>
    public static string Slug(string text)
    {
        var chars = new List<char>(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                chars.Add(c);
            }
            else if (chars.Count > 0 && chars[^1] != '-')
            {
                chars.Add('-');
            }
        }

        var slug = new string([.. chars]).Trim('-');
        return slug.Length == 0 ? "x" : slug;
    }
}
