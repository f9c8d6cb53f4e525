using System.Globalization;
using CniBench.Core.Measurements;
using CniBench.Core.Scenarios;

namespace CniBench.Core.Planning;

/// <summary>
/// Expands a scenario into the ordered list of tool runs. Repetitions are the outer loop and CNIs the
/// inner one, so every CNI is measured once before any is measured again: slow drift of a shared,
/// noisy host then spreads over all CNIs instead of biasing the one measured last.
/// </summary>
public static class RunPlanner
{
    public static RunPlan Create(ScenarioSpec scenario, string runId)
    {
        var clusters = new List<string>();
        if (scenario.Underlay)
        {
            clusters.Add(Underlay.Name);
        }

        clusters.AddRange(scenario.Cnis);

        var maxRepetitions = scenario.Tests.Max(t => t.Repetitions ?? scenario.Repetitions);
        var measurements = new List<PlannedMeasurement>();
        for (var repetition = 1; repetition <= maxRepetitions; repetition++)
        {
            foreach (var test in scenario.Tests.Where(t => repetition <= (t.Repetitions ?? scenario.Repetitions)))
            {
                foreach (var variant in Variants(test))
                {
                    foreach (var topology in test.Topologies)
                    {
                        // The underlay has no pods and no CNI: only node-to-node throughput means anything there.
                        foreach (var cluster in clusters.Where(c => c != Underlay.Name || (topology == Topologies.CrossNode && test.Settings.RunsOnUnderlay)))
                        {
                            measurements.Add(new PlannedMeasurement(
                                new MeasurementKey(cluster, test.Test, variant.Name, topology, repetition), test, variant));
                        }
                    }
                }
            }
        }

        // A cluster nobody measures (the underlay of a policy-only scenario) is not brought up.
        return new RunPlan(runId, scenario, [.. clusters.Where(c => measurements.Exists(m => m.Key.Cni == c))], measurements);
    }

    /// <summary>The variants of <paramref name="test"/>, as its kind's settings decide them.</summary>
    public static IReadOnlyList<TestVariant> Variants(TestSpec test)
    {
        ArgumentNullException.ThrowIfNull(test);
        return test.Settings.Variants();
    }

    /// <summary>"1-stream", "4-streams": how variants that differ in parallel streams are named.</summary>
    public static string StreamsLabel(int streams) =>
        streams.ToString(CultureInfo.InvariantCulture) + (streams == 1 ? "-stream" : "-streams");
}
