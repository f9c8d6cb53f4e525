using System.Diagnostics;
using CniBench.Catalog;
using CniBench.Core.Clusters;
using Perfolizer.Mathematics.QuantileEstimators;

namespace CniBench.Lab;

/// <summary>One lab brought up and torn down.</summary>
public sealed record LabUpDownTiming(TimeSpan Up, TimeSpan Down)
{
    public TimeSpan Total => Up + Down;
}

/// <summary>How long a lab takes to build and remove: the fixed cost every CNI in a run pays.</summary>
public static class LabTimings
{
    /// <summary>Up+down time of <paramref name="iterations"/> labs built one after another under one fresh run prefix.</summary>
    public static async Task<IReadOnlyList<TimeSpan>> MeasureUpDownAsync(CniManifest cni, ClusterShape shape, int iterations, CancellationToken cancellationToken) =>
        [.. (await MeasureAsync(cni, shape, iterations, new LabProviderOptions(), cancellationToken)).Select(t => t.Total)];

    public static Task<IReadOnlyList<LabUpDownTiming>> MeasureAsync(
        CniManifest cni, ClusterShape shape, int iterations, LabProviderOptions options, CancellationToken cancellationToken) =>
        MeasureAsync(cni, null, shape, iterations, options, cancellationToken);

    /// <summary>Up+down time of a CNI in one of its variants (<paramref name="variant"/> null: its default mode).</summary>
    public static async Task<IReadOnlyList<LabUpDownTiming>> MeasureAsync(
        CniManifest cni, string? variant, ClusterShape shape, int iterations, LabProviderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cni);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var catalog = new CniCatalog([cni]);
        var timings = new List<LabUpDownTiming>(iterations);
        for (var i = 0; i < iterations; i++)
        {
            // One lab at a time, each removed before the next, so the run prefix can be reused.
            var provider = new LabProvider(catalog, options with { Persistent = false });
            var started = Stopwatch.GetTimestamp();
            var cluster = await provider.CreateAsync(ClusterRequest.For(new ClusterId(cni.Name, variant), shape), null, cancellationToken);
            var up = Stopwatch.GetElapsedTime(started);
            started = Stopwatch.GetTimestamp();
            await cluster.DisposeAsync();
            timings.Add(new LabUpDownTiming(up, Stopwatch.GetElapsedTime(started)));
        }

        return timings;
    }

    public static TimeSpan Median(IReadOnlyList<TimeSpan> values)
    {
        ArgumentOutOfRangeException.ThrowIfZero(values.Count);
        return TimeSpan.FromTicks((long)Math.Round(SimpleQuantileEstimator.Instance.Quantile([.. values.Select(v => (double)v.Ticks)], 0.5)));
    }
}
