using System.Text.Json.Serialization;

namespace CniBench.Core.Scenarios;

/// <summary>
/// Command-line settings that take precedence over the scenario file. The <see cref="ScenarioLoader"/> applies them to
/// the values it reads, before its rules check them, so an option is held to the rule of the key it replaces.
/// </summary>
public sealed record ScenarioOverrides
{
    public IReadOnlyList<string>? Cnis { get; init; }

    public int? Repetitions { get; init; }

    public TimeSpan? Duration { get; init; }

    /// <summary><see cref="Duration"/> as it was typed (<c>2m</c>), so that its errors quote it; not recorded in run.json.</summary>
    [JsonIgnore]
    public string? DurationText { get; init; }

    /// <summary>Smoke mode: one repetition of a few seconds per test, to check that everything works.</summary>
    public bool Quick { get; init; }

    public static TimeSpan QuickDuration { get; } = TimeSpan.FromSeconds(2);

    public static TimeSpan QuickWarmup { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The repetitions every test gets: <see cref="Repetitions"/>, else 1 with <see cref="Quick"/>, else the scenario's.</summary>
    [JsonIgnore]
    public int? EffectiveRepetitions => Repetitions ?? (Quick ? 1 : null);

    /// <summary>The option that sets <see cref="EffectiveRepetitions"/>, for its errors.</summary>
    [JsonIgnore]
    public string RepetitionsOption => Repetitions is null ? "--quick" : "--repetitions";
}
