using CniBench.Cli.Commands;

namespace CniBench.Cli.Tests;

public sealed class InterleavedPairsTests
{
    [Fact]
    public async Task RunAsync_AlternatesWhichSideGoesFirst_AndDropsTheWarmupPairs()
    {
        var order = new List<string>();
        var counter = 0;
        Task<int> Run(string side)
        {
            order.Add(side);
            return Task.FromResult(++counter);
        }

        var reported = new List<MeasuredPair<int>>();
        var pairs = await InterleavedPairs.RunAsync(3, 1, _ => Run("harness"), _ => Run("hand"), reported.Add, CancellationToken.None);

        Assert.Equal(["harness", "hand", "hand", "harness", "harness", "hand", "hand", "harness"], order);
        Assert.Equal([new MeasuredPair<int>(1, 4, 3), new MeasuredPair<int>(2, 5, 6), new MeasuredPair<int>(3, 8, 7)], pairs);
        Assert.Equal(pairs, reported);
    }

    [Fact]
    public async Task RunAsync_WithoutWarmup_KeepsTheFirstPair()
    {
        var pairs = await InterleavedPairs.RunAsync(2, 0, _ => Task.FromResult("h"), _ => Task.FromResult("b"), _ => { }, CancellationToken.None);

        Assert.Equal([1, 2], pairs.Select(p => p.Number));
    }

    [Fact]
    public async Task RunAsync_NegativeCounts_AreRefused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            InterleavedPairs.RunAsync(1, -1, _ => Task.FromResult(0), _ => Task.FromResult(0), _ => { }, CancellationToken.None));
    }
}
