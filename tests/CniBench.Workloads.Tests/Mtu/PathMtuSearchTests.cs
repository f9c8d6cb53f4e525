using CniBench.Workloads.Mtu;

namespace CniBench.Workloads.Tests.Mtu;

public sealed class PathMtuSearchTests
{
    private static Func<int, CancellationToken, Task<PingProbe>> PathOf(int pathMtuBytes) =>
        (packetBytes, _) => Task.FromResult(new PingProbe(
            packetBytes, packetBytes <= pathMtuBytes ? ProbeVerdict.Reply : ProbeVerdict.NoReply, packetBytes <= pathMtuBytes ? 0 : 1, ""));

    [Theory]
    [InlineData(1450, 1500)]
    [InlineData(1500, 1500)]
    [InlineData(1450, 1450)]
    [InlineData(1400, 1450)]
    [InlineData(9000, 1500)]
    [InlineData(577, 9000)]
    public async Task RunAsync_PathCarriesUpToN_FindsNExactly(int pathMtu, int interfaceMtu)
    {
        var result = await PathMtuSearch.RunAsync(interfaceMtu, PathOf(pathMtu), TestContext.Current.CancellationToken);

        Assert.Equal(pathMtu, result.PathMtuBytes);
        Assert.True(result.Converged);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task RunAsync_PathEqualsInterfaceMtu_ConfirmsWithTwoProbes()
    {
        var result = await PathMtuSearch.RunAsync(1450, PathOf(1450), TestContext.Current.CancellationToken);

        Assert.Equal([1450, 1451], result.Probes.Select(p => p.PacketBytes));
    }

    [Fact]
    public async Task RunAsync_EveryPathAndInterfaceMtu_ExactWithinTheProbeBound()
    {
        // Every path MTU in the range against interface MTUs at, below, inside and above it: the bound is a proof, not a hope.
        int[] interfaceMtus = [1, 576, 577, 1280, 1450, 1500, 4096, 9000, 9215, 9216, 65536];
        var worst = 0;
        for (var pathMtu = PathMtuSearch.MinPacketBytes; pathMtu <= PathMtuSearch.MaxPacketBytes; pathMtu++)
        {
            foreach (var interfaceMtu in interfaceMtus)
            {
                var result = await PathMtuSearch.RunAsync(interfaceMtu, PathOf(pathMtu), TestContext.Current.CancellationToken);

                Assert.Equal(pathMtu, result.PathMtuBytes);
                Assert.True(result.Converged);
                Assert.Equal(result.Probes.Count, result.Probes.Select(p => p.PacketBytes).Distinct().Count());
                worst = Math.Max(worst, result.Probes.Count);
            }
        }

        Assert.InRange(worst, 1, PathMtuSearch.MaxProbes);
    }

    [Fact]
    public async Task RunAsync_PathAboveRange_ReportsTheRangeTopWithoutProbingBeyond()
    {
        var result = await PathMtuSearch.RunAsync(65536, PathOf(65536), TestContext.Current.CancellationToken);

        Assert.Equal(PathMtuSearch.MaxPacketBytes, result.PathMtuBytes);
        Assert.All(result.Probes, p => Assert.InRange(p.PacketBytes, PathMtuSearch.MinPacketBytes, PathMtuSearch.MaxPacketBytes));
    }

    [Fact]
    public async Task RunAsync_NoReplyAtAll_StopsAfterTheMinimumWithNoResult()
    {
        var result = await PathMtuSearch.RunAsync(1500, PathOf(0), TestContext.Current.CancellationToken);

        Assert.Null(result.PathMtuBytes);
        Assert.Equal([1500, PathMtuSearch.MinPacketBytes], result.Probes.Select(p => p.PacketBytes));
    }

    [Fact]
    public async Task RunAsync_ErrorMidSearch_StopsAtTheError()
    {
        var calls = 0;
        Task<PingProbe> Probe(int packetBytes, CancellationToken token) =>
            Task.FromResult(++calls == 3
                ? new PingProbe(packetBytes, ProbeVerdict.Error, 2, "ping: connect: Network is unreachable")
                : new PingProbe(packetBytes, packetBytes <= 1000 ? ProbeVerdict.Reply : ProbeVerdict.NoReply, 0, ""));

        var result = await PathMtuSearch.RunAsync(1500, Probe, TestContext.Current.CancellationToken);

        Assert.Equal(3, result.Probes.Count);
        Assert.Equal(2, result.Error?.ExitCode);
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PathMtuSearch.RunAsync(
            1500, (_, token) => Task.FromCanceled<PingProbe>(token), cts.Token));
    }
}
