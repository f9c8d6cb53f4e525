using CniBench.Core.Yaml;

namespace CniBench.Core.Scenarios;

/// <summary>Reads of the human quantities scenario files write, shared by the loader and every test kind.</summary>
public static class ScenarioValues
{
    /// <summary>Repetitions of a scenario or a test, from the file or <c>--repetitions</c>: one range for all.</summary>
    public const int MaxRepetitions = 1000;

    /// <summary>A duration written as scenario files write them (10s, 500ms, 2m) within a range; null (with the error) otherwise.</summary>
    public static TimeSpan? Duration(this YamlValue value, TimeSpan min, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Scalar(
            $"a duration from {min.TotalSeconds:0.###}s to {max.TotalSeconds:0.###}s such as 10s, 500ms or 2m",
            text => Quantities.TryParseDuration(text, out var duration) && duration >= min && duration <= max ? duration : (TimeSpan?)null);
    }

    /// <summary>The text a duration given on the command line is checked as, in the file's own notation (1.5s).</summary>
    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
