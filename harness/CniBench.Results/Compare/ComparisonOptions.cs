using System.Globalization;

namespace CniBench.Results.Compare;

/// <summary>How strict a comparison is: the smallest change that counts, and the significance level of the test.</summary>
public sealed record ComparisonOptions
{
    /// <summary>Minimum effect size as a fraction (0.05 = 5 %): smaller differences are "same" however significant.</summary>
    public double Threshold { get; init; } = 0.05;

    /// <summary>Significance level of each one-sided Mann–Whitney test.</summary>
    public double Alpha { get; init; } = 0.05;

    public static ComparisonOptions Default { get; } = new();

    /// <summary>Parses a percentage, "5%" or "5"; the number is always read as percent, so "0.05" means 0.05 %.</summary>
    public static bool TryParseThreshold(string text, out double fraction)
    {
        fraction = 0;
        var trimmed = (text ?? "").Trim().TrimEnd('%').Trim();
        if (!double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent)
            || double.IsNaN(percent) || percent < 0 || percent >= 100)
        {
            return false;
        }

        fraction = percent / 100;
        return true;
    }

    public string ThresholdText => (Threshold * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%";
}
