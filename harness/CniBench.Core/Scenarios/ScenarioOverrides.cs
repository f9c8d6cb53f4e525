using CniBench.Core.Yaml;

namespace CniBench.Core.Scenarios;

/// <summary>Command-line settings that take precedence over the scenario file.</summary>
public sealed record ScenarioOverrides
{
    public IReadOnlyList<string>? Cnis { get; init; }

    public int? Repetitions { get; init; }

    public TimeSpan? Duration { get; init; }

    /// <summary>Smoke mode: one repetition of a few seconds per test, to check that everything works.</summary>
    public bool Quick { get; init; }

    public static TimeSpan QuickDuration { get; } = TimeSpan.FromSeconds(2);

    public static TimeSpan QuickWarmup { get; } = TimeSpan.FromSeconds(1);

    public ScenarioSpec ApplyTo(ScenarioSpec scenario, IReadOnlySet<string> knownCnis)
    {
        if (Cnis is { } cnis && cnis.FirstOrDefault(c => !knownCnis.Contains(c)) is { } unknown)
        {
            throw new ScenarioException(
                [new InputError("--cni", 0, 0, $"unknown CNI '{unknown}'; known CNIs: {string.Join(", ", knownCnis.Where(c => !c.Contains(Clusters.ClusterId.Separator, StringComparison.Ordinal)).Order(StringComparer.Ordinal))}"
                    + $" (variants: {string.Join(", ", knownCnis.Where(c => c.Contains(Clusters.ClusterId.Separator, StringComparison.Ordinal)).Order(StringComparer.Ordinal).DefaultIfEmpty("none"))})")]);
        }

        var repetitions = Repetitions ?? (Quick ? 1 : (int?)null);
        var duration = Duration ?? (Quick ? QuickDuration : null);
        return scenario with
        {
            Cnis = Cnis ?? scenario.Cnis,
            Repetitions = repetitions ?? scenario.Repetitions,
            Tests = [.. scenario.Tests.Select(t => t with
            {
                Repetitions = repetitions ?? t.Repetitions,
                Duration = duration ?? t.Duration,
                Warmup = Quick && t.Warmup > QuickWarmup ? QuickWarmup : t.Warmup,
            })],
        };
    }
}
