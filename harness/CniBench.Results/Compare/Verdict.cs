namespace CniBench.Results.Compare;

/// <summary>
/// The outcome of comparing candidate repetitions with baseline ones. Faster and slower follow the metric's
/// direction (lower CPU is "faster"); only <see cref="Slower"/> is a regression.
/// </summary>
public enum Verdict
{
    Same,
    Faster,
    Slower,

    /// <summary>A metric without a direction moved beyond the threshold.</summary>
    Changed,

    /// <summary>Too few repetitions on a side for the test ever to reach significance.</summary>
    InsufficientData,
}

public static class VerdictText
{
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Same => "same",
        Verdict.Faster => "faster",
        Verdict.Slower => "slower",
        Verdict.Changed => "changed",
        Verdict.InsufficientData => "insufficient data",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "unknown verdict"),
    };
}
