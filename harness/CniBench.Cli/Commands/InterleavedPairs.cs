namespace CniBench.Cli.Commands;

/// <summary>One kept pair of a side-by-side benchmark: the harness's figure and the by-hand figure, measured back to back.</summary>
internal sealed record MeasuredPair<T>(int Number, T Harness, T ByHand);

/// <summary>
/// Runs the harness and the by-hand tool side by side. Pairs alternate which goes first (AB, BA, AB …: ABBA), so a
/// drift of the shared host cancels out of each pair's ratio. The first pairs are a warm-up and are not kept: the first
/// run after a lab comes up meets a host still busy from building it (a run there read up to 20% faster, a bias a
/// single pair of eight shows as an outlier ratio).
/// </summary>
internal static class InterleavedPairs
{
    public static async Task<IReadOnlyList<MeasuredPair<T>>> RunAsync<T>(
        int pairs,
        int warmupPairs,
        Func<CancellationToken, Task<T>> harness,
        Func<CancellationToken, Task<T>> byHand,
        Action<MeasuredPair<T>> onPair,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pairs);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupPairs);
        ArgumentNullException.ThrowIfNull(harness);
        ArgumentNullException.ThrowIfNull(byHand);
        ArgumentNullException.ThrowIfNull(onPair);
        var kept = new List<MeasuredPair<T>>();
        for (var i = 0; i < warmupPairs + pairs; i++)
        {
            T harnessFigure, byHandFigure;
            if (i % 2 == 0)
            {
                harnessFigure = await harness(cancellationToken);
                byHandFigure = await byHand(cancellationToken);
            }
            else
            {
                byHandFigure = await byHand(cancellationToken);
                harnessFigure = await harness(cancellationToken);
            }

            if (i >= warmupPairs)
            {
                var pair = new MeasuredPair<T>(i - warmupPairs + 1, harnessFigure, byHandFigure);
                kept.Add(pair);
                onPair(pair);
            }
        }

        return kept;
    }
}
