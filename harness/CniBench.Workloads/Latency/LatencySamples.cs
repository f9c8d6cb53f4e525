using CniBench.Core.Measurements;
using Perfolizer.Mathematics.QuantileEstimators;

namespace CniBench.Workloads.Latency;

/// <summary>
/// Percentiles of the samples of every flow merged into one set: the latency a transaction of the whole test saw. An
/// average of per-flow percentiles is not a percentile of anything, so flows are never summarised one by one.
/// </summary>
public static class LatencySamples
{
    /// <summary>One observation per requested percentile and the maximum, in microseconds (Perfolizer's Hyndman–Fan type 7).</summary>
    public static IReadOnlyList<Observation> Percentiles(IEnumerable<IReadOnlyList<double>> flows, IReadOnlyList<double> percentiles)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(percentiles);
        var merged = flows.SelectMany(f => f).ToArray();
        if (merged.Length == 0)
        {
            throw new ArgumentException("no samples to take percentiles of", nameof(flows));
        }

        var observations = percentiles
            .Select(p => new Observation(Metrics.LatencyPercentileUs(p), SimpleQuantileEstimator.Instance.Quantile(merged, p / 100), Metrics.Microseconds))
            .ToList();
        observations.Add(new Observation(Metrics.LatencyMaxUs, merged.Max(), Metrics.Microseconds));
        return observations;
    }
}
